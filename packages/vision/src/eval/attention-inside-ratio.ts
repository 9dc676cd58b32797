/**
 * How much of an attention map falls on the object, relative to chance:
 * `(Σ map · mask / Σ map) ÷ (Σ mask / (H·W))`, with the map first resized bilinearly to the image.
 * 1 means "no better than spreading evenly"; the largest possible value is H·W / Σ mask.
 */
import * as tf from '@tensorflow/tfjs-core';

/**
 * Resizes maps [B, h, w] to [B, H, W] bilinearly, with half-pixel centres (each map cell is
 * centred on the image region it covers; values outside the cell centres are clamped, no
 * extrapolation).
 *
 * @example
 * ```ts
 * resizeMaps(maps, 32).shape; // [B, 32, 32]
 * ```
 */
export function resizeMaps(maps: tf.Tensor3D, size: number): tf.Tensor3D {
  return tf.tidy(() => {
    if (maps.shape[1] === size && maps.shape[2] === size) return maps.clone();
    const resized = tf.image.resizeBilinear(tf.expandDims(maps, -1) as tf.Tensor4D, [size, size], false, true);
    return tf.squeeze(resized, [3]) as tf.Tensor3D;
  });
}

/**
 * Per image, the share of the (resized, non-negative) map's mass inside the mask divided by the
 * mask's share of the image. An image whose map sums to 0 scores 0.
 *
 * @example
 * ```ts
 * const ratios = attentionInsideRatios(maps, masks); // maps [B, 8, 8], masks [B, 32, 32] of 0/1
 * ratios.mean().dataSync()[0]; // the task's attentionInsideRatio
 * ```
 */
export function attentionInsideRatios(maps: tf.Tensor3D, masks: tf.Tensor3D): tf.Tensor1D {
  const [b, height, width] = masks.shape;
  if (maps.shape[0] !== b) throw new Error(`attentionInsideRatios: ${maps.shape[0]} maps for ${b} masks`);
  if (height !== width) throw new Error(`attentionInsideRatios: masks must be square, got [${masks.shape}]`);
  return tf.tidy(() => {
    const map = resizeMaps(maps, height);
    const mass = tf.sum(map, [1, 2]);
    const inside = tf.sum(tf.mul(map, masks), [1, 2]);
    const share = tf.divNoNan(inside, mass);
    const area = tf.div(tf.sum(masks, [1, 2]), height * width);
    return tf.divNoNan(share, area) as tf.Tensor1D;
  });
}
