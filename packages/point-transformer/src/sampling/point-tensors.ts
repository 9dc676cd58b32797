import * as tf from '@tensorflow/tfjs-core';

/** Validates a [B, N, 3] point tensor and returns [B, N]. */
export function checkPoints(where: string, name: string, t: tf.Tensor): [number, number] {
  if (t.rank !== 3 || t.shape[2] !== 3) throw new Error(`${where}: ${name} must be [B, N, 3], got [${t.shape}]`);
  if (t.dtype !== 'float32') throw new Error(`${where}: ${name} must be float32, got ${t.dtype}`);
  return [t.shape[0]!, t.shape[1]!];
}

/** True when the active backend has a kernel registered under `name`. */
export function hasKernel(name: string): boolean {
  return tf.getKernel(name, tf.getBackend()) !== undefined;
}

/**
 * Whether the active backend keeps tensors in JS-reachable memory (cpu, wasm), so reading
 * coordinates back synchronously is cheap. GPU backends are not: tfjs-webgpu cannot read
 * synchronously at all outside browsers, and a read stalls the GPU everywhere.
 */
export function readsBackCheaply(): boolean {
  return ['cpu', 'wasm'].includes(tf.getBackend());
}

/** The tensor's values as a Float32Array (synchronous read-back). */
export function readFloat32(t: tf.Tensor): Float32Array {
  return t.dataSync() as Float32Array;
}

/** Throws unless 1 ≤ count ≤ n. */
export function checkCount(where: string, name: string, count: number, n: number): void {
  if (!Number.isInteger(count) || count < 1 || count > n) {
    throw new Error(`${where}: ${name} must be an integer in [1, ${n}] (the number of points), got ${count}`);
  }
}
