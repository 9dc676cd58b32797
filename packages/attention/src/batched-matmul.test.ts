import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BACKENDS, backendOrSkip, matmul, maxRelativeError, randomMatrix, seededRandom, tensorsLeakedBy, transpose } from '@heed/testing';
import { batchedMatMul } from './batched-matmul.js';

describe.each(BACKENDS)('batchedMatMul on %s', (backend) => {
  it('matches float64 for every transpose combination, small and slice-sized blocks', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const rand = seededRandom(3);
    for (const [m, k, n] of [[3, 4, 5], [130, 8, 128]]) {
      const as = [0, 1].map(() => randomMatrix(rand, m, k));
      const bs = [0, 1].map(() => randomMatrix(rand, k, n));
      const expected = as.map((a, i) => matmul(a, bs[i]!));
      for (const transposeA of [false, true]) {
        for (const transposeB of [false, true]) {
          const a = tf.tensor3d(transposeA ? as.map(transpose) : as);
          const b = tf.tensor3d(transposeB ? bs.map(transpose) : bs);
          const c = batchedMatMul(a, b, { transposeA, transposeB });
          expect(c.shape).toEqual([2, m, n]);
          expect(maxRelativeError(await c.data(), expected), `${m}×${k}×${n} tA=${transposeA} tB=${transposeB}`).toBeLessThan(1e-5);
          expect(await tensorsLeakedBy(() => batchedMatMul(a, b, { transposeA, transposeB }).dispose())).toBe(0);
          tf.dispose([a, b, c]);
        }
      }
    }
    expect(() => batchedMatMul(tf.zeros([2, 3]), tf.zeros([2, 3, 3]))).toThrow(/expected \[\.\.\., m, k\] and \[\.\.\., k, n\]/);
  });
});
