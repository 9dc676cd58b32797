/** Element types a checkpoint may hold (PyTorch / safetensors names mapped onto JS arrays). */
export type HostDType = 'float32' | 'float64' | 'int64' | 'int32';

/** A tensor in plain memory, row-major, in PyTorch's layout (what checkpoints store). */
export interface HostTensor {
  dtype: HostDType;
  shape: number[];
  data: Float32Array | Float64Array | BigInt64Array | Int32Array;
}

/** Named tensors in insertion order, keyed like a PyTorch `state_dict()`. */
export type StateDict = Map<string, HostTensor>;

/**
 * Number of elements of a shape.
 *
 * @example
 * ```ts
 * numel([64, 3, 1]); // 192
 * ```
 */
export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * The values of a host tensor as float32 (int64 values must be exactly representable).
 *
 * @example
 * ```ts
 * toFloat32({ dtype: 'float64', shape: [2], data: new Float64Array([1, 2]) }); // Float32Array [1, 2]
 * ```
 */
export function toFloat32(t: HostTensor): Float32Array {
  if (t.data instanceof Float32Array) return t.data;
  if (t.data instanceof BigInt64Array) return Float32Array.from(t.data, (x) => Number(x));
  return Float32Array.from(t.data);
}
