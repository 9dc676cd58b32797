import * as tf from '@tensorflow/tfjs-core';
import { checkCount, checkPoints, readFloat32 } from './point-tensors.js';
import { squaredDistance32 } from './squared-distance.js';

/**
 * Ball query with pointnet2 semantics in plain JS: for each query (flat [batch, s, 3]) the first
 * `k` points in index order whose float32 squared distance is strictly below radius², padded with
 * the first one found. A query with no point in its ball gets all zeros (pointnet2's zero-filled
 * output); a query that is one of the points always finds itself.
 *
 * @returns int32 [batch, s, k] indices.
 * @example
 * ```ts
 * const pts = new Float32Array([0, 0, 0, 3, 0, 0, 0.5, 0, 0]);
 * ballQueryJS(new Float32Array([0, 0, 0]), pts, 1, 1, 3, 1, 4); // Int32Array [0, 2, 0, 0]
 * ```
 */
export function ballQueryJS(
  query: ArrayLike<number>, points: ArrayLike<number>, batch: number, s: number, n: number, radius: number, k: number,
): Int32Array {
  if (!(radius >= 0)) throw new Error(`ballQuery: radius must be ≥ 0, got ${radius}`);
  if (!Number.isInteger(k) || k < 1) throw new Error(`ballQuery: k must be a positive integer, got ${k}`);
  if (query.length !== batch * s * 3 || points.length !== batch * n * 3) {
    throw new Error(`ballQuery: expected ${batch}×${s}×3 query and ${batch}×${n}×3 point coordinates, got ${query.length} and ${points.length}`);
  }
  const r2 = Math.fround(radius * radius);
  const out = new Int32Array(batch * s * k);
  for (let b = 0; b < batch; b++) {
    for (let q = 0; q < s; q++) {
      const base = (b * s + q) * k;
      let count = 0;
      for (let i = 0; i < n && count < k; i++) {
        if (squaredDistance32(query, b * s + q, points, b * n + i) < r2) {
          if (count === 0) out.fill(i, base, base + k);
          out[base + count++] = i;
        }
      }
    }
  }
  return out;
}

/**
 * Ball query of `query` [B, S, 3] among `points` [B, N, 3] → int32 [B, S, k]
 * (see {@link ballQueryJS}; runs in JS on coordinates read back synchronously, so on GPU backends
 * it needs a backend that can read synchronously — not tfjs-webgpu in Node). PCT itself uses kNN.
 *
 * @example
 * ```ts
 * const xyz = tf.randomUniform([1, 1024, 3]) as tf.Tensor3D;
 * const idx = ballQuery(xyz, xyz, 0.2, 32); // int32 [1, 1024, 32]
 * ```
 */
export function ballQuery(query: tf.Tensor3D, points: tf.Tensor3D, radius: number, k: number): tf.Tensor3D {
  const [batch, s] = checkPoints('ballQuery', 'query', query);
  const [bp, n] = checkPoints('ballQuery', 'points', points);
  if (bp !== batch) throw new Error(`ballQuery: query [${query.shape}] and points [${points.shape}] differ in batch size`);
  checkCount('ballQuery', 'k', k, Number.MAX_SAFE_INTEGER);
  return tf.tensor3d(ballQueryJS(readFloat32(query), readFloat32(points), batch, s, n, radius, k), [batch, s, k], 'int32');
}
