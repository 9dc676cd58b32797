import { describe, expect, it } from 'vitest';
import { useBackend } from '@heed/testing';
import { createPCT } from '../model/pct-model.js';
import { evaluateClassification, evaluateSegmentation } from './evaluate.js';
import { accuracy, meanShapeIoU, shapeIoU } from './metrics.js';

describe('metrics', () => {
  it('accuracy counts exact matches', () => {
    expect(accuracy([0, 2, 1, 1], [0, 2, 2, 1])).toBe(0.75);
    expect(accuracy(new Int32Array([5]), new Int32Array([5]))).toBe(1);
    expect(() => accuracy([1], [1, 2])).toThrow(/1 predictions for 2 labels/);
  });

  it('shapeIoU: per part |∩|/|∪| over the category parts, an absent part counts 1', () => {
    // parts 3 and 4: part 3 ∩ = 1, ∪ = 2; part 4 ∩ = 2, ∪ = 3.
    expect(shapeIoU([3, 4, 4, 4], [3, 3, 4, 4], [3, 4])).toBeCloseTo((1 / 2 + 2 / 3) / 2, 12);
    // Part 5 is in neither prediction nor truth: IoU 1; part 3 perfect.
    expect(shapeIoU([3, 3], [3, 3], [3, 5])).toBe(1);
    // Predicted part 5 that is absent from the truth: IoU 0 for it.
    expect(shapeIoU([3, 5], [3, 3], [3, 5])).toBeCloseTo((1 / 2 + 0) / 2, 12);
    // A label outside the category's parts is ignored (only union of listed parts counts).
    expect(shapeIoU([0, 1], [0, 9], [0, 1])).toBeCloseTo((1 + 0) / 2, 12);
  });

  it('meanShapeIoU averages per-shape means (not per-part over the set)', () => {
    expect(meanShapeIoU([0, 0, 1, 1], [0, 0, 1, 0], [[0], [0, 1]])).toBeCloseTo((1 + (1 / 2 + 0) / 2) / 2, 12);
    expect(() => meanShapeIoU([0, 0, 0], [0, 0, 0], [[0], [0]])).toThrow(/do not split/);
  });
});

describe('held-out evaluation (wasm)', () => {
  it('evaluateClassification and evaluateSegmentation give metrics in [0, 1] on fresh clouds', async () => {
    await useBackend('wasm');
    const stages = [{ numSamples: 16, k: 8 }, { numSamples: 8, k: 8 }];
    const cls = createPCT({ numClasses: 10, stages, seed: 1 });
    const r = await evaluateClassification(cls, { seed: 5, count: 5, points: 32, batchSize: 2 });
    expect(r.count).toBe(5);
    expect(r.accuracy).toBeGreaterThanOrEqual(0);
    expect(r.accuracy).toBeLessThanOrEqual(1);
    cls.dispose();
    const seg = createPCT({ variant: 'spct', task: 'segmentation', numClasses: 13, numCategories: 5, seed: 1 });
    const s = await evaluateSegmentation(seg, { seed: 5, count: 3, points: 32, batchSize: 2 });
    expect(s.mIoU).toBeGreaterThanOrEqual(0);
    expect(s.mIoU).toBeLessThanOrEqual(1);
    seg.dispose();
  });
});
