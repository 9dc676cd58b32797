import * as tf from '@tensorflow/tfjs-core';
import { KNearestNeighbours, type KNearestNeighboursAttrs } from '../kernels/kernel-names.js';
import { checkCount, checkPoints, hasKernel, readFloat32, readsBackCheaply } from './point-tensors.js';
import { squaredDistance32 } from './squared-distance.js';

/**
 * k nearest neighbours in plain JS: for each of the `s` query points (flat [batch, s, 3]) the
 * indices of the `k` closest of the `n` points (flat [batch, n, 3]) by float32 squared distance,
 * ascending, equal distances → lower index first. A query that is itself one of the points finds
 * itself first (distance 0). O(s · n · k) worst case, O(s · n) typical.
 *
 * @returns int32 [batch, s, k] indices.
 * @example
 * ```ts
 * const pts = new Float32Array([0, 0, 0, 3, 0, 0, 1, 0, 0]);
 * kNearestNeighboursJS(new Float32Array([0.9, 0, 0]), pts, 1, 1, 3, 2); // Int32Array [2, 0]
 * ```
 */
export function kNearestNeighboursJS(
  query: ArrayLike<number>, points: ArrayLike<number>, batch: number, s: number, n: number, k: number,
): Int32Array {
  checkCount('kNearestNeighbours', 'k', k, n);
  if (query.length !== batch * s * 3 || points.length !== batch * n * 3) {
    throw new Error(`kNearestNeighbours: expected ${batch}×${s}×3 query and ${batch}×${n}×3 point coordinates, got ${query.length} and ${points.length}`);
  }
  const out = new Int32Array(batch * s * k);
  const bestD = new Float64Array(k), bestI = new Int32Array(k);
  for (let b = 0; b < batch; b++) {
    for (let q = 0; q < s; q++) {
      let count = 0;
      const qi = b * s + q;
      for (let i = 0; i < n; i++) {
        const d = squaredDistance32(query, qi, points, b * n + i);
        if (count === k && !(d < bestD[k - 1]!)) continue; // equal distance: the earlier index stays
        // Insert after every entry with distance ≤ d, so equal distances keep index order.
        let pos = count === k ? k - 1 : count++;
        while (pos > 0 && bestD[pos - 1]! > d) {
          bestD[pos] = bestD[pos - 1]!;
          bestI[pos] = bestI[pos - 1]!;
          pos--;
        }
        bestD[pos] = d;
        bestI[pos] = i;
      }
      out.set(bestI, qi * k);
    }
  }
  return out;
}

/**
 * k nearest neighbours of `query` [B, S, 3] among `points` [B, N, 3] → int32 [B, S, k]. Runs the
 * kernel registered under {@link KNearestNeighbours} for the active backend when there is one;
 * else, on cpu and wasm, {@link kNearestNeighboursJS} on coordinates read back synchronously;
 * else (GPU backends) {@link kNearestNeighboursOps}.
 *
 * @example
 * ```ts
 * const xyz = tf.randomUniform([1, 1024, 3]) as tf.Tensor3D;
 * const idx = kNearestNeighbours(xyz, xyz, 32); // int32 [1, 1024, 32]; idx[:, i, 0] = i
 * ```
 */
export function kNearestNeighbours(query: tf.Tensor3D, points: tf.Tensor3D, k: number): tf.Tensor3D {
  const [batch, s, n] = checkPair('kNearestNeighbours', query, points);
  checkCount('kNearestNeighbours', 'k', k, n);
  if (hasKernel(KNearestNeighbours)) {
    const attrs: KNearestNeighboursAttrs = { k };
    return tf.engine().runKernel(KNearestNeighbours, { query, points }, attrs) as tf.Tensor3D;
  }
  if (!readsBackCheaply()) return kNearestNeighboursOps(query, points, k);
  const idx = kNearestNeighboursJS(readFloat32(query), readFloat32(points), batch, s, n, k);
  return tf.tensor3d(idx, [batch, s, k], 'int32');
}

/**
 * k nearest neighbours from tfjs ops (a [B, S, N] distance matrix, then `topk`); same indices as
 * {@link kNearestNeighboursJS} on backends whose `topk` breaks ties by lower index (cpu, wasm;
 * elsewhere exact ties may resolve differently). O(B·S·N) memory.
 *
 * @example
 * ```ts
 * const xyz = tf.randomUniform([1, 256, 3]) as tf.Tensor3D;
 * const idx = kNearestNeighboursOps(xyz, xyz, 16); // int32 [1, 256, 16]
 * ```
 */
export function kNearestNeighboursOps(query: tf.Tensor3D, points: tf.Tensor3D, k: number): tf.Tensor3D {
  checkPair('kNearestNeighboursOps', query, points);
  checkCount('kNearestNeighboursOps', 'k', k, points.shape[1]);
  return tf.tidy(() => {
    const q = tf.unstack(query, 2).map((c) => tf.expandDims(c, 2)); // 3 × [B, S, 1]
    const p = tf.unstack(points, 2).map((c) => tf.expandDims(c, 1)); // 3 × [B, 1, N]
    const sq = (c: number) => tf.square(tf.sub(q[c]!, p[c]!));
    const d = tf.add(tf.add(sq(0), sq(1)), sq(2));
    return tf.topk(tf.neg(d), k, true).indices as tf.Tensor3D;
  });
}

function checkPair(where: string, query: tf.Tensor, points: tf.Tensor): [number, number, number] {
  const [bq, s] = checkPoints(where, 'query', query);
  const [bp, n] = checkPoints(where, 'points', points);
  if (bq !== bp) throw new Error(`${where}: query [${query.shape}] and points [${points.shape}] differ in batch size`);
  return [bq, s, n];
}
