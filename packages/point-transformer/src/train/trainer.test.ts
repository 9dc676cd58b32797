import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useBackend } from '@heed/testing';
import { readSafetensors } from '../weights/safetensors.js';
import { saveSafetensors } from '../weights/checkpoint.js';
import { createPCT } from '../model/pct-model.js';
import type { TrainConfig } from './checkpoint.js';
import { resolveTrainConfig } from './train-config.js';
import { trainPCT, type TrainLogRecord } from './trainer.js';

/** A tiny PCT (real channel widths, 32 points, small grouping) so a step takes well under a second on wasm. */
const tiny = (o: Partial<TrainConfig> = {}): TrainConfig => resolveTrainConfig({
  task: 'classification', points: 32, stages: [{ numSamples: 16, k: 8 }, { numSamples: 8, k: 8 }],
  batchSize: 4, cloudsPerEpoch: 8, epochs: 2, seed: 7, optimizer: 'adam', ...o,
});

const sameBytes = (x: Uint8Array, y: Uint8Array) => Buffer.from(x).equals(Buffer.from(y));
const steps = (log: TrainLogRecord[]) => log.filter((r) => r.type === 'step');

describe('trainPCT (wasm)', () => {
  it('overfits 16 fixed clouds: the loss falls', async () => {
    await useBackend('wasm');
    const log: TrainLogRecord[] = [];
    const { model } = await trainPCT({
      config: tiny({ cloudsPerEpoch: 16, batchSize: 8, epochs: 12, freshEachEpoch: false, augment: false, learningRate: 2e-3, labelSmoothing: 0, numClasses: 10 }),
      onLog: (r) => log.push(r),
    });
    const epochs = log.filter((r) => r.type === 'epoch');
    expect(epochs).toHaveLength(12);
    const first = epochs[0]!.loss, last = epochs.at(-1)!.loss;
    expect(last, `epoch losses ${epochs.map((r) => r.loss.toFixed(3)).join(' ')}`).toBeLessThan(0.6 * first);
    expect(epochs.at(-1)!.accuracy).toBeGreaterThan(0.5);
    model.dispose();
  });

  it('resuming from a checkpoint gives exactly the uninterrupted run (loss, weights, optimizer, BN statistics)', { timeout: 600_000 }, async () => {
    await useBackend('wasm');
    for (const optimizer of ['adam', 'sgd'] as const) {
      const config = tiny({ optimizer });
      // Uninterrupted: 3 steps (crossing into epoch 1, whose clouds are regenerated).
      const full: TrainLogRecord[] = [];
      const a = await trainPCT({ config, onLog: (r) => full.push(r), maxSteps: 3 });
      // Interrupted after 2 steps (an epoch-end checkpoint), resumed in a fresh model for 1 step.
      const checkpoints: Awaited<ReturnType<typeof trainPCT>>['checkpoint'][] = [];
      const b1 = await trainPCT({ config, onCheckpoint: (c) => { checkpoints.push(c); }, maxSteps: 2 });
      b1.model.dispose();
      expect(checkpoints).toHaveLength(1);
      const saved = checkpoints[0]!;
      expect(saved.state.globalStep).toBe(2);
      expect(saved.state.rng).toEqual({ seed: 7, epoch: 1, stepInEpoch: 0 });
      const resumed: TrainLogRecord[] = [];
      const b2 = await trainPCT({ resume: { ...saved, state: JSON.parse(JSON.stringify(saved.state)) }, onLog: (r) => resumed.push(r), maxSteps: 1 });
      const want = steps(full)[2]!, got = steps(resumed)[0]!;
      expect(got.step).toBe(3);
      expect(got.loss, optimizer).toBe(want.loss);
      expect(got.lr).toBe(want.lr);
      // Byte-identical safetensors: every weight, BatchNorm statistic and counter, and optimizer slot.
      expect(sameBytes(b2.checkpoint.weights, a.checkpoint.weights), `${optimizer} weights`).toBe(true);
      expect(sameBytes(b2.checkpoint.optimizer, a.checkpoint.optimizer), `${optimizer} optimizer`).toBe(true);
      expect(readSafetensors(a.checkpoint.weights).get('bn1.num_batches_tracked')!.data[0]).toBe(3n);
      a.model.dispose();
      b2.model.dispose();
    }
  });

  it('keeps tf.memory().numTensors flat over training steps', async () => {
    await useBackend('wasm');
    const counts: number[] = [];
    // A first run creates tfjs' one-time constants/caches; a second run must leave nothing behind.
    (await trainPCT({ config: tiny({ epochs: 1 }), maxSteps: 1 })).model.dispose();
    const before = tf.memory().numTensors;
    const { model } = await trainPCT({ config: tiny({ cloudsPerEpoch: 8, epochs: 3 }), onLog: (r) => { if (r.type === 'step') counts.push(tf.memory().numTensors); } });
    expect(counts).toHaveLength(6);
    expect(new Set(counts).size, counts.join(' ')).toBe(1);
    model.dispose();
    // The only tensors left are those the final checkpoint's `saveSafetensors(model)` leaves behind
    // (a leak in model.stateDict() outside the trainer, measured here on its own).
    const probe = createPCT({ numClasses: 10, stages: [{ numSamples: 16, k: 8 }, { numSamples: 8, k: 8 }], seed: 1 });
    const beforeSave = tf.memory().numTensors;
    saveSafetensors(probe);
    const saveLeak = tf.memory().numTensors - beforeSave;
    probe.dispose();
    expect(tf.memory().numTensors).toBe(before + 2 * saveLeak); // the run's final checkpoint + the probe
  });

  it('trains a segmentation model (per-point labels, categories) for a step', async () => {
    await useBackend('wasm');
    const config = resolveTrainConfig({
      task: 'segmentation', points: 32, stages: [{ numSamples: 'all', k: 8 }, { numSamples: 'all', k: 8 }],
      batchSize: 2, cloudsPerEpoch: 2, epochs: 1, seed: 3,
    });
    expect(config.numClasses).toBe(13);
    expect(config.numCategories).toBe(5);
    const log: TrainLogRecord[] = [];
    const { model } = await trainPCT({ config, onLog: (r) => log.push(r), validation: { seed: 99, count: 2 } });
    expect(Number.isFinite(log[0]!.loss)).toBe(true);
    expect(log.at(-1)!.heldOut!.mIoU).toBeGreaterThanOrEqual(0);
    model.dispose();
  });
});
