/** Input normalisation shared by the models. */
import * as tf from '@tensorflow/tfjs-core';

/**
 * Per-image standardisation: subtract each image's mean and divide by its standard deviation
 * (over pixels and channels, floored at 1/√(H·W·3) like TensorFlow's per_image_standardization),
 * so the random background brightness and tint of the task do not shift the first layer.
 *
 * @example
 * ```ts
 * standardizeImages(images); // [B, H, W, 3] → same shape, each image mean 0, std ≈ 1
 * ```
 */
export function standardizeImages(images: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(images, [1, 2, 3], true);
    const n = images.shape[1]! * images.shape[2]! * images.shape[3]!;
    const std = tf.maximum(tf.sqrt(variance), 1 / Math.sqrt(n));
    return tf.div(tf.sub(images, mean), std) as tf.Tensor4D;
  });
}
