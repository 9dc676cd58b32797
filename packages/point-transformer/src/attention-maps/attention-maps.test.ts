import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BACKENDS, backendOrSkip, maxRelativeError, seededRandom, tensorsLeakedBy } from '@heed/testing';
import type { AttentionKind, AttentionMap } from '../attention/attention-map.js';
import { offsetAttentionWeights } from '../attention/offset-attention.js';
import { attentionRow } from './attention-row.js';
import { mixingMatrix } from './mixing-matrix.js';
import { attentionRollout } from './rollout.js';
import { attentionStatistics } from './statistics.js';

const [B, N, D] = [2, 9, 4];

function map(kind: AttentionKind, seed: number, withMatrix: boolean): AttentionMap {
  const rand = seededRandom(seed);
  const values = (n: number, s = 2) => Float32Array.from({ length: n }, () => (rand() * 2 - 1) * s);
  const query = tf.tensor3d(values(B * N * D), [B, N, D]);
  const key = kind === 'offset' ? query : tf.tensor3d(values(B * N * D), [B, N, D]);
  const scale = kind === 'offset' ? 1 : 1 / Math.sqrt(D);
  const xyz = tf.tensor3d(values(B * N * 3, 1), [B, N, 3]);
  const m: AttentionMap = { name: `${kind}${seed}`, kind, xyz, query, key, scale, epsilon: 1e-9 };
  if (withMatrix) {
    m.matrix = kind === 'offset'
      ? offsetAttentionWeights(query, key)
      : tf.softmax(tf.mul(tf.matMul(query, key, false, true), scale)) as tf.Tensor3D;
  }
  return m;
}

/** Plain-JS [B][N][N] of a tensor. */
const nested = async (t: tf.Tensor) => (await t.array()) as number[][][];

describe.each(BACKENDS)('attention maps on %s', (backend) => {
  it('attentionRow: the query column (offset) or row (scaled-dot), with or without the matrix', async (ctx) => {
    await backendOrSkip(ctx, backend);
    for (const kind of ['offset', 'scaled-dot'] as const) {
      const full = map(kind, 3, true);
      const factors = { ...full, matrix: undefined };
      const m = await nested(full.matrix!);
      for (const b of [0, 1]) {
        for (const q of [0, 4, N - 1]) {
          const expected = kind === 'offset' ? m[b]!.map((row) => row[q]!) : m[b]![q]!;
          for (const [label, source] of [['matrix', full], ['factors', factors]] as const) {
            const row = attentionRow(source, q, { batch: b, chunk: 4 });
            expect(maxRelativeError(await row.data(), expected), `${kind} ${label} b=${b} q=${q}`).toBeLessThan(1e-5);
            row.dispose();
          }
        }
      }
      expect(() => attentionRow(full, N)).toThrow(/queryIndex 9 out of range \[0, 9\)/);
      expect(await tensorsLeakedBy(() => attentionRow(factors, 2).dispose())).toBe(0);
    }
  });

  it('mixing matrices are row-stochastic; rollout matches a plain-JS product', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const maps = [map('offset', 1, true), map('offset', 2, false), map('scaled-dot', 5, true)];
    const mixes = await Promise.all(maps.map(async (m) => nested(mixingMatrix(m))));
    for (const w of mixes) for (const row of w.flat()) expect(Math.abs(row.reduce((x, y) => x + y, 0) - 1)).toBeLessThan(1e-5);
    expect(mixes[0]![0]![2]![5]).toBeCloseTo((await nested(maps[0]!.matrix!))[0]![5]![2]!, 6); // offset: transposed
    const expected = [0, 1].map((b) => {
      let r: number[][] = Array.from({ length: N }, (_, i) => Array.from({ length: N }, (_, j) => (i === j ? 1 : 0)));
      for (const w of mixes) {
        const hat = w[b]!.map((row, i) => row.map((x, j) => 0.5 * x + (i === j ? 0.5 : 0)));
        const norm = hat.map((row) => { const s = row.reduce((x, y) => x + y, 0); return row.map((x) => x / s); });
        r = norm.map((row) => r[0]!.map((_, j) => row.reduce((s, x, k) => s + x * r[k]![j]!, 0)));
      }
      return r;
    });
    expect(maxRelativeError(await attentionRollout(maps).data(), expected)).toBeLessThan(1e-5);
    expect(() => attentionRollout([])).toThrow(/no attention maps/);
  });

  it('statistics: uniform attention has entropy ln N; one-hot self-attention looks at distance 0', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const xyz = tf.tensor3d(Float32Array.from({ length: B * N * 3 }, (_, i) => Math.sin(i)), [B, N, 3]);
    const zeros = tf.zeros([B, N, D]) as tf.Tensor3D;
    const uniform: AttentionMap = { name: 'u', kind: 'scaled-dot', xyz, query: zeros, key: zeros, scale: 1, epsilon: 1e-9 };
    const u = attentionStatistics(uniform);
    expect(Math.abs((await u.entropy.data())[0]! - Math.log(N))).toBeLessThan(1e-5);
    const eye = tf.tile(tf.expandDims(tf.eye(N), 0), [B, 1, 1]) as tf.Tensor3D;
    const s = attentionStatistics({ ...uniform, matrix: eye });
    expect(Array.from(await s.entropy.data())).toEqual([0, 0]);
    expect(Math.max(...Array.from(await s.meanDistance.data()))).toBeLessThan(1e-3);
    // Uniform weights: mean distance = mean pairwise distance.
    const p = (await xyz.array()) as number[][][];
    const meanPair = p[1]!.reduce((acc, a) => acc + p[1]!.reduce((t, b) => t + Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!), 0) / N, 0) / N;
    expect(Math.abs((await u.meanDistance.data())[1]! - meanPair)).toBeLessThan(1e-4);
  });
});
