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
      const wa = readSafetensors(a.checkpoint.weights), wb = readSafetensors(b2.checkpoint.weights);
      for (const [key, t] of wa) expect(Array.from(wb.get(key)!.data as ArrayLike<number>), key).toEqual(Array.from(t.data as ArrayLike<number>));
      expect(Array.from(b2.checkpoint.optimizer)).toEqual(Array.from(a.checkpoint.optimizer));
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
