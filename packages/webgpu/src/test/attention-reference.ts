/**
 * The float64 reference the fused attention tests compare against, and a runner that calls
 * `scaledDotProductAttention` (→ the fused kernel on webgpu) on seeded random inputs.
 */
import * as tf from '@tensorflow/tfjs-core';
import { scaledDotProductAttention } from '@heed/attention';
import { matmul, maskedSoftmaxRows, randomMatrix, seededRandom, transpose } from '@heed/testing';

/** float64 reference for BH slices of [T, d] matrices. */
export function reference(qs: number[][][], ks: number[][][], vs: number[][][], scale: number, keep: (s: number, i: number, j: number) => boolean) {
  return qs.map((q, s) => matmul(maskedSoftmaxRows(matmul(q, transpose(ks[s]!)).map((r) => r.map((x) => x * scale)), (i, j) => keep(s, i, j)), vs[s]!));
}

/** Options of {@link run}: as `scaledDotProductAttention`'s, and `spread` of q and k values. */
export interface RunOptions { causal?: boolean; validLens?: number[]; scale?: number; spread?: number }

/**
 * Runs fused attention on seeded inputs q [bh, tq, d], k [bh, tk, d], v [bh, tk, dv]; returns the
 * output, the float64 `expected`, and the inputs as tensors (the caller's to dispose) and values.
 */
export function run(bh: number, tq: number, tk: number, d: number, dv: number, opts: RunOptions) {
  const rand = seededRandom(bh * 1000 + tq + d);
  const spread = opts.spread ?? 1;
  const qs = Array.from({ length: bh }, () => randomMatrix(rand, tq, d, -spread, spread));
  const ks = Array.from({ length: bh }, () => randomMatrix(rand, tk, d, -spread, spread));
  const vs = Array.from({ length: bh }, () => randomMatrix(rand, tk, dv));
  const scale = opts.scale ?? 1 / Math.sqrt(d);
  const lens = opts.validLens ?? new Array<number>(bh).fill(tk);
  const expected = reference(qs, ks, vs, scale, (s, i, j) => j < lens[s]! && (!opts.causal || j <= i));
  const values = [qs.flat(2), ks.flat(2), vs.flat(2)] as const;
  const inputs = [tf.tensor(values[0], [bh, tq, d]), tf.tensor(values[1], [bh, tk, d]), tf.tensor(values[2], [bh, tk, dv])] as const;
  const { output } = scaledDotProductAttention(...inputs, { causal: opts.causal, validLens: opts.validLens, scale: opts.scale, returnWeights: false });
  return { output, expected, inputs, values };
}
