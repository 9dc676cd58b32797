import { describe, expect, it } from 'vitest';
import { tensorsLeakedBy, useBackend } from '@heed/testing';
import { createCbamCnn } from '../models/cbam-cnn.js';
import { createTinyVit } from '../models/tiny-vit.js';
import { type TrainProgress, trainVisionModel } from './train-vision-model.js';

const tiny = { seed: 3, epochs: 2, stepsPerEpoch: 2, batchSize: 4, learningRate: 1e-3, logEvery: 1 };

describe('trainVisionModel on wasm', () => {
  it('reports progress per step, logs JSON lines, and is deterministic for a seed', async () => {
    await useBackend('wasm');
    const run = async () => {
      const model = createCbamCnn({ seed: 1 });
      const progress: TrainProgress[] = [];
      const lines: string[] = [];
      const result = await trainVisionModel(model, {
        ...tiny, validation: { seed: 9, count: 4 }, onProgress: (p) => progress.push(p), onLogLine: (l) => lines.push(l),
      });
      const weights = await model.parameters['conv2/kernel']!.data();
      model.dispose();
      return { progress, lines, result, weights };
    };
    const [a, b] = [await run(), await run()];
    expect(a.progress.map((p) => [p.epoch, p.step])).toEqual([[1, 1], [1, 2], [2, 3], [2, 4]]);
    for (const p of a.progress) {
      expect(Number.isFinite(p.loss)).toBe(true);
      expect(p.accuracy).toBeGreaterThanOrEqual(0);
      expect(p.totalSteps).toBe(4);
    }
    const records = a.lines.map((l) => JSON.parse(l) as { type: string });
    expect(records.map((r) => r.type)).toEqual(['start', 'step', 'step', 'epoch', 'step', 'step', 'epoch']);
    expect(a.result.steps).toBe(4);
    expect(a.result.validation?.images).toBe(4);
    expect(b.weights).toEqual(a.weights);
    expect(b.progress.map((p) => p.loss)).toEqual(a.progress.map((p) => p.loss));
  });

  it('trains the ViT and leaves no tensors behind', async () => {
    await useBackend('wasm');
    const model = createTinyVit({ seed: 1 });
    const before = await model.parameters['patch/kernel']!.data();
    expect(await tensorsLeakedBy(() => trainVisionModel(model, { ...tiny, epochs: 1 }), 1)).toBe(0);
    expect(await model.parameters['patch/kernel']!.data()).not.toEqual(before);
    model.dispose();
  });
});
