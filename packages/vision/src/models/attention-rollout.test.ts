import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { type Matrix, BACKENDS, backendOrSkip, matmul, maxRelativeError, seededRandom } from '@heed/testing';
import { attentionRollout, classTokenMap } from './attention-rollout.js';

/** Random row-stochastic matrices [layers][heads][T][T], as softmax attention would give. */
function randomAttention(layers: number, heads: number, t: number, seed: number): Matrix[][] {
  const rand = seededRandom(seed);
  return Array.from({ length: layers }, () => Array.from({ length: heads }, () => Array.from({ length: t }, () => {
    const row = Array.from({ length: t }, () => rand() + 0.01);
    const sum = row.reduce((a, b) => a + b, 0);
    return row.map((v) => v / sum);
  })));
}

/** Float64 rollout: per layer (mean_h A + I) / rowsum, product with the last layer on the left. */
function referenceRollout(layers: Matrix[][]): Matrix {
  let rollout: Matrix | undefined;
  for (const heads of layers) {
    const t = heads[0]!.length;
    const a = Array.from({ length: t }, (_, i) => Array.from({ length: t }, (_, j) =>
      heads.reduce((s, h) => s + h[i]![j]!, 0) / heads.length + (i === j ? 1 : 0)));
    const normalised = a.map((row) => { const s = row.reduce((x, y) => x + y, 0); return row.map((v) => v / s); });
    rollout = rollout ? matmul(normalised, rollout) : normalised;
  }
  return rollout!;
}

describe.each(BACKENDS)('attention rollout on %s', (backend) => {
  it('matches a float64 reference and keeps rows stochastic', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const [layers, heads, t] = [3, 2, 5];
    const batch = [randomAttention(layers, heads, t, 1), randomAttention(layers, heads, t, 2)];
    const perLayer = Array.from({ length: layers }, (_, l) => tf.tensor4d(batch.map((b) => b[l]!)));
    const rollout = attentionRollout(perLayer);
    const got = await rollout.array();
    batch.forEach((b, i) => {
      expect(maxRelativeError(got[i]!, referenceRollout(b))).toBeLessThan(1e-5);
      for (const row of got[i]!) expect(row.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 5);
    });
    tf.dispose([...perLayer, rollout]);
  });

  it('lays the class-token row out on the patch grid', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const m = tf.tensor3d([[[9, 1, 2, 3, 4], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0]]]);
    const map = classTokenMap(m, 2);
    expect(await map.array()).toEqual([[[1, 2], [3, 4]]]);
    tf.dispose([m, map]);
  });
});
