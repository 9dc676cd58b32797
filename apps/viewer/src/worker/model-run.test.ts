import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {
  PART_CATEGORIES, Random, createPCT, nearestPoint, partIds, prepareCloud, queryAttention, sampleShape, samplePartCloud,
} from '@heed/point-transformer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attentionValues } from '../color/attention-values.js';
import type { LoadedModel } from './model-catalog.js';
import { FPS_SUBSET_LIMIT, runModel } from './model-run.js';
import { shippedModel } from './test/shipped-model.js';

let classifier: LoadedModel;

beforeAll(async () => {
  await tf.setBackend('cpu');
  classifier = shippedModel('pct-classification');
});

afterAll(() => classifier.model.dispose());

describe('runModel (what the worker sends the page)', () => {
  it("gives, for any query, the same weights as heed attention's queryAttention, and leaks no tensor", async () => {
    const positions = sampleShape('torus', new Random(3), { points: 2000, rotation: 'up' });
    // The model's first evaluation caches its BatchNorm-folded weights (freed by its dispose).
    await runModel(classifier, positions, { backend: 'cpu' });
    const before = tf.memory().numTensors;
    const run = await runModel(classifier, positions, { backend: 'cpu' });
    expect(tf.memory().numTensors).toBe(before);
    const prepared = prepareCloud(positions, { numPoints: classifier.descriptor.points });
    for (const [layer, query] of [[1, 0], [2, 700], [4, 1999]] as const) {
      const reference = await queryAttention(classifier.model, prepared, positions, layer, query);
      const ours = attentionValues(run, 'query', { layer, head: 0, query });
      expect(run.nearestLayerPoint[query]).toBe(reference.queryPoint);
      expect(ours.length).toBe(reference.weights.length);
      let worst = 0;
      ours.forEach((v, j) => { worst = Math.max(worst, Math.abs(v - reference.weights[j]!)); });
      expect(worst).toBeLessThan(1e-6);
    }
    // Every input point's layer point is its nearest (brute force, in the input's coordinates).
    for (let i = 0; i < 2000; i += 37) {
      expect(run.nearestLayerPoint[i]).toBe(nearestPoint(run.layerXyz, positions[3 * i]!, positions[3 * i + 1]!, positions[3 * i + 2]!));
    }
    expect(run.probabilities!.reduce((s, p) => s + p, 0)).toBeCloseTo(1, 5);
    expect(run.labels[run.probabilities!.indexOf(Math.max(...run.probabilities!))]).toBe('torus');
    // Rollout rows are distributions.
    const m = run.layerXyz.length / 3;
    expect(run.rollout!.subarray(5 * m, 6 * m).reduce((s, v) => s + v, 0)).toBeCloseTo(1, 4);
  });

  it('samples a big cloud through a seeded subset, the same every time, and still indexes every input point', async () => {
    const positions = sampleShape('cube', new Random(4), { points: FPS_SUBSET_LIMIT + 5000, rotation: 'up' });
    const [a, b] = [await runModel(classifier, positions, { backend: 'cpu' }), await runModel(classifier, positions, { backend: 'cpu' })];
    expect(a.fpsOver).toBe(FPS_SUBSET_LIMIT);
    expect(a.nearestLayerPoint.length).toBe(FPS_SUBSET_LIMIT + 5000);
    expect(Array.from(a.layerXyz)).toEqual(Array.from(b.layerXyz));
    expect(a.labels[a.probabilities!.indexOf(Math.max(...a.probabilities!))]).toBe('cube');
  });

  it('segmentation: labels come from the chosen category, and auto picks one category of the batch', async () => {
    const before = tf.memory().numTensors;
    const model = createPCT({ variant: 'spct', task: 'segmentation', numClasses: 13, numCategories: PART_CATEGORIES.length, seed: 5 });
    const loaded: LoadedModel = {
      model, labels: PART_CATEGORIES.flatMap((c) => c.parts.map((p) => `${c.name}/${p}`)),
      descriptor: { id: 'spct-segmentation', label: 'SPCT', variant: 'spct', task: 'segmentation', points: 64, available: true },
    };
    const { points } = samplePartCloud('mug', new Random(2), { points: 300 });
    const given = await runModel(loaded, points, { backend: 'cpu', category: 'lamp' });
    const afterOneRun = tf.memory().numTensors; // the model and its BatchNorm-folded weights
    const auto = await runModel(loaded, points, { backend: 'cpu' });
    expect(tf.memory().numTensors).toBe(afterOneRun);
    expect(given.category).toEqual({ name: 'lamp', chosen: 'given' });
    const lampParts = new Set(partIds(PART_CATEGORIES.find((c) => c.name === 'lamp')!));
    expect([...given.partLabels!].every((k) => lampParts.has(k))).toBe(true);
    expect(given.partLabels!.length).toBe(given.layerXyz.length / 3);
    expect(auto.category!.chosen).toBe('auto');
    const autoParts = new Set(partIds(PART_CATEGORIES.find((c) => c.name === auto.category!.name)!));
    expect([...auto.partLabels!].every((k) => autoParts.has(k))).toBe(true);
    // The encoder does not see the category: the attention is the same whichever is given.
    expect(Array.from(auto.layers[0]!.mixing)).toEqual(Array.from(given.layers[0]!.mixing));
    await expect(runModel(loaded, points, { backend: 'cpu', category: 'sofa' })).rejects.toThrow(/unknown part category "sofa"/);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
