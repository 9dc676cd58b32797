/**
 * Batches of the shape task as flat typed arrays (no tfjs) and as tensors.
 */
import * as tf from '@tensorflow/tfjs-core';
import { type ShapeTaskOptions, DEFAULT_SHAPE_TASK, renderShapeSample } from './shape-task.js';

/** Which images of the task to render: indices `start … start + count − 1` of `seed`. */
export interface ShapeBatchRequest extends ShapeTaskOptions {
  seed: number;
  count: number;
  /** First image index. Default 0. */
  start?: number;
}

/** `count` images of the task, concatenated. */
export interface ShapeBatch {
  count: number;
  size: number;
  /** [count, size, size, 3], RGB in [0, 1]. */
  images: Float32Array;
  /** [count], indices into `SHAPE_CLASSES`. */
  labels: Int32Array;
  /** [count, size, size], 1 inside the object. */
  masks: Uint8Array;
}

/** A {@link ShapeBatch} as tensors. */
export interface ShapeTensors {
  /** [N, H, W, 3] float32 in [0, 1]. */
  images: tf.Tensor4D;
  /** [N] int32. */
  labels: tf.Tensor1D;
  /** [N, H, W] float32, 1 inside the object. */
  masks: tf.Tensor3D;
}

/**
 * Renders images `start … start + count − 1` of the task with seed `seed`. Held-out data is the
 * same call with another seed.
 *
 * @example
 * ```ts
 * const train = generateShapeBatch({ seed: 1, count: 256 });
 * const heldOut = generateShapeBatch({ seed: 2, count: 200 });
 * train.images.length; // 256 · 32 · 32 · 3
 * ```
 */
export function generateShapeBatch(request: ShapeBatchRequest): ShapeBatch {
  const { seed, count, start = 0, ...options } = request;
  const size = options.size ?? DEFAULT_SHAPE_TASK.size;
  const pixels = size * size;
  const batch: ShapeBatch = {
    count, size,
    images: new Float32Array(count * pixels * 3),
    labels: new Int32Array(count),
    masks: new Uint8Array(count * pixels),
  };
  for (let i = 0; i < count; i++) {
    const sample = renderShapeSample(seed, start + i, options);
    batch.images.set(sample.image, i * pixels * 3);
    batch.masks.set(sample.mask, i * pixels);
    batch.labels[i] = sample.label;
  }
  return batch;
}

/**
 * Uploads a batch as tensors (the caller disposes them).
 *
 * @example
 * ```ts
 * const { images, labels, masks } = shapeBatchTensors(generateShapeBatch({ seed: 2, count: 8 }));
 * images.shape; // [8, 32, 32, 3]
 * ```
 */
export function shapeBatchTensors(batch: ShapeBatch): ShapeTensors {
  const { count, size } = batch;
  return {
    images: tf.tensor4d(batch.images, [count, size, size, 3]),
    labels: tf.tensor1d(batch.labels, 'int32'),
    masks: tf.tensor3d(Float32Array.from(batch.masks), [count, size, size]),
  };
}
