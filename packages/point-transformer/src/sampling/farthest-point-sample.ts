import * as tf from '@tensorflow/tfjs-core';
import { FarthestPointSample, type FarthestPointSampleAttrs } from '../kernels/kernel-names.js';
import { squaredDistance32 } from './squared-distance.js';
import { checkCount, checkPoints, hasKernel, readFloat32, readsBackCheaply } from './point-tensors.js';

/**
 * Farthest point sampling in plain JS over flat xyz coordinates ([batch, n, 3] row-major), as
 * pointnet2_ops does it: the first centre is index 0, each next one the point with the largest
 * smallest-squared-distance to the centres so far (ties → the lowest index). Index-exact with the
 * {@link FarthestPointSample} contract; O(numSamples · n) per cloud.
 *
 * Unlike pointnet2_ops' CUDA kernel, points near the origin (|p|² ≤ 1e-3) are not skipped.
 *
 * @returns int32 [batch, numSamples] indices.
 * @example
 * ```ts
 * const xyz = new Float32Array([0, 0, 0, 1, 0, 0, 5, 0, 0, 2, 0, 0]);
 * farthestPointSampleJS(xyz, 1, 4, 3); // Int32Array [0, 2, 3]
 * ```
 */
export function farthestPointSampleJS(xyz: ArrayLike<number>, batch: number, n: number, numSamples: number): Int32Array {
  checkCount('farthestPointSample', 'numSamples', numSamples, n);
  if (xyz.length !== batch * n * 3) {
    throw new Error(`farthestPointSample: expected ${batch}×${n}×3 = ${batch * n * 3} coordinates, got ${xyz.length}`);
  }
  const out = new Int32Array(batch * numSamples);
  const nearest = new Float32Array(n);
  for (let b = 0; b < batch; b++) {
    const cloud = subarray(xyz, b * n * 3, (b + 1) * n * 3);
    nearest.fill(1e10);
    let last = 0;
    for (let s = 1; s < numSamples; s++) {
      let best = 0, bestDistance = -1;
      for (let i = 0; i < n; i++) {
        const d = squaredDistance32(cloud, i, cloud, last);
        if (d < nearest[i]!) nearest[i] = d;
        if (nearest[i]! > bestDistance) {
          bestDistance = nearest[i]!;
          best = i;
        }
      }
      out[b * numSamples + s] = best;
      last = best;
    }
  }
  return out;
}

/**
 * Farthest point sampling of `xyz` [B, N, 3] → int32 [B, numSamples]. Runs the kernel registered
 * under {@link FarthestPointSample} for the active backend when there is one; else, on cpu and
 * wasm, {@link farthestPointSampleJS} on the coordinates read back synchronously; else (GPU
 * backends, where a synchronous read-back is unavailable or stalls) {@link farthestPointSampleOps}.
 *
 * @example
 * ```ts
 * const xyz = tf.randomUniform([2, 1024, 3]) as tf.Tensor3D;
 * const centres = farthestPointSample(xyz, 512); // int32 [2, 512]; centres[:, 0] = 0
 * ```
 */
export function farthestPointSample(xyz: tf.Tensor3D, numSamples: number): tf.Tensor2D {
  const [batch, n] = checkPoints('farthestPointSample', 'xyz', xyz);
  checkCount('farthestPointSample', 'numSamples', numSamples, n);
  if (hasKernel(FarthestPointSample)) {
    const attrs: FarthestPointSampleAttrs = { numSamples };
    return tf.engine().runKernel(FarthestPointSample, { xyz }, attrs) as tf.Tensor2D;
  }
  if (!readsBackCheaply()) return farthestPointSampleOps(xyz, numSamples);
  return tf.tensor2d(farthestPointSampleJS(readFloat32(xyz), batch, n, numSamples), [batch, numSamples], 'int32');
}

/**
 * Farthest point sampling from tfjs ops only (one small op chain per centre; data stays on the
 * backend). Same indices as {@link farthestPointSampleJS} on backends whose `argMax` returns the
 * first maximum (cpu, wasm; elsewhere exact ties may resolve differently). One small op chain per
 * centre: slower than the JS path on CPU backends, but the data never leaves the device.
 *
 * @example
 * ```ts
 * const centres = farthestPointSampleOps(tf.randomUniform([1, 256, 3]) as tf.Tensor3D, 64); // int32 [1, 64]
 * ```
 */
export function farthestPointSampleOps(xyz: tf.Tensor3D, numSamples: number): tf.Tensor2D {
  const [batch, n] = checkPoints('farthestPointSampleOps', 'xyz', xyz);
  checkCount('farthestPointSampleOps', 'numSamples', numSamples, n);
  return tf.tidy(() => {
    const coords = tf.unstack(tf.reshape(xyz, [batch * n, 3]), 1); // 3 × [B·N]
    const [x, y, z] = coords.map((c) => tf.reshape(c, [batch, n]));
    const offsets = tf.mul(tf.range(0, batch, 1, 'int32'), tf.scalar(n, 'int32'));
    let nearest: tf.Tensor = tf.fill([batch, n], 1e10);
    let last: tf.Tensor = tf.zeros([batch], 'int32');
    const picked: tf.Tensor[] = [last];
    for (let s = 1; s < numSamples; s++) {
      const [next, closest] = tf.tidy(() => {
        const flat = tf.add(last, offsets);
        const centre = coords.map((c) => tf.reshape(tf.gather(c, flat), [batch, 1]));
        const d = tf.add(tf.add(tf.square(tf.sub(x!, centre[0]!)), tf.square(tf.sub(y!, centre[1]!))), tf.square(tf.sub(z!, centre[2]!)));
        const m = tf.minimum(nearest, d);
        return [tf.cast(tf.argMax(m, 1), 'int32'), m];
      });
      nearest = closest;
      last = next;
      picked.push(next);
    }
    return tf.stack(picked, 1) as tf.Tensor2D;
  });
}

function subarray(a: ArrayLike<number>, begin: number, end: number): ArrayLike<number> {
  const typed = a as Float32Array;
  return typeof typed.subarray === 'function' ? typed.subarray(begin, end) : Array.prototype.slice.call(a, begin, end);
}
