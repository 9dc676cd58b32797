import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { useBackend } from '@heed/testing';
import { generateClassificationSet } from '../data/index.js';
import { classifyCloud } from './classify.js';
import { prepareCloud } from './prepare-cloud.js';
import { loadShippedClassifier } from './shipped-weights.js';

const readOrNull = async (url: string) => readFile(new URL(url)).then((b) => new Uint8Array(b)).catch(() => null);

describe('the shipped PCT classifier', () => {
  it('loads with the input size and grouping it was trained with, and names fresh upright shapes', async () => {
    await useBackend('wasm');
    const { model, classes, points } = await loadShippedClassifier('pct', readOrNull);
    try {
      expect(points).toBe(256);
      expect(classes).toHaveLength(10);
      const set = generateClassificationSet({ count: 20, points: 1024, seed: 31337, rotation: 'up' });
      let correct = 0;
      for (let i = 0; i < 20; i++) {
        const cloud = set.points.subarray(i * 1024 * 3, (i + 1) * 1024 * 3);
        const { probabilities } = await classifyCloud(model, prepareCloud(cloud, { numPoints: points }));
        if (probabilities.indexOf(Math.max(...probabilities)) === set.labels[i]) correct++;
      }
      // 20 clouds: a sanity floor, not the held-out figure (heed eval measures that on 1000).
      expect(correct).toBeGreaterThanOrEqual(17);
    } finally {
      model.dispose();
    }
  });
});
