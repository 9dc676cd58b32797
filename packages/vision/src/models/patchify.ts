/** Cutting images into non-overlapping square patches, the input of a Vision Transformer. */
import * as tf from '@tensorflow/tfjs-core';

/**
 * [B, H, W, C] → [B, (H/p)·(W/p), p·p·C]: patches in row-major order, each flattened as
 * (row, column, channel). Uses only rank-4 transposes (tfjs-wasm's limit is lower than cpu's).
 *
 * @example
 * ```ts
 * patchify(tf.zeros([2, 32, 32, 3]), 4).shape; // [2, 64, 48]
 * ```
 */
export function patchify(images: tf.Tensor4D, patch: number): tf.Tensor3D {
  const [b, h, w, c] = images.shape;
  if (h % patch !== 0 || w % patch !== 0) throw new Error(`patchify: ${h}×${w} is not a multiple of patch ${patch}`);
  const gh = h / patch, gw = w / patch;
  return tf.tidy(() => {
    const rows = tf.reshape(images, [b * gh, patch, gw, patch * c]); // [B·gh, py, gx, px·C]
    const grouped = tf.transpose(rows, [0, 2, 1, 3]); // [B·gh, gx, py, px·C]
    return tf.reshape(grouped, [b, gh * gw, patch * patch * c]) as tf.Tensor3D;
  });
}
