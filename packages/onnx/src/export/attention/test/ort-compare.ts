/**
 * Test support for the attention exporters: seeded tfjs tensors, feeds for onnxruntime, running
 * one model on every engine, and comparing results with tfjs.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { expect } from 'vitest';
import { type OnnxEngine, type OnnxTensor, createOnnxSession } from '../../../run/onnx-session.js';

/** The engines every export is checked on. */
export const ENGINES: readonly OnnxEngine[] = ['ort-node', 'ort-wasm'];

/** The largest deviation from tfjs any comparison saw, per output kind (printed by the suites). */
export const worst: Record<string, number> = {};

/**
 * tfjs on its CPU backend, the reference every export is compared with.
 *
 * @example
 * ```ts
 * beforeAll(useCpu);
 * ```
 */
export async function useCpu(): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();
}

/**
 * A seeded normal tensor.
 *
 * @example
 * ```ts
 * const x = normal([2, 7, 24], 1); // the same values on every run
 * ```
 */
export const normal = (shape: number[], seed: number, std = 1): tf.Tensor => tf.randomNormal(shape, 0, std, 'float32', seed);

/**
 * A tfjs tensor as an ONNX feed (float32, or bool as bytes).
 *
 * @example
 * ```ts
 * await session.run({ query: feed(x), mask: feed(tf.greater(m, 0)) });
 * ```
 */
export function feed(t: tf.Tensor): OnnxTensor {
  if (t.dtype === 'bool') return { data: Uint8Array.from(t.dataSync() as Uint8Array), dims: [...t.shape] };
  return { data: Float32Array.from(t.dataSync() as Float32Array), dims: [...t.shape] };
}

/**
 * Integers as an int64 feed, [n] or [n, m].
 *
 * @example
 * ```ts
 * int64Feed([7, 3]); // { data: BigInt64Array [7n, 3n], dims: [2] }
 * ```
 */
export function int64Feed(values: number[] | number[][]): OnnxTensor {
  const flat = (values as (number | number[])[]).flat();
  const dims = Array.isArray(values[0]) ? [values.length, (values[0] as number[]).length] : [values.length];
  return { data: BigInt64Array.from(flat.map(BigInt)), dims };
}

/**
 * Runs `model` with `feeds` on one engine and releases the session.
 *
 * @example
 * ```ts
 * const { output } = await runOnnx(bytes, 'ort-wasm', { query: feed(x) });
 * ```
 */
export async function runOnnx(model: Uint8Array, engine: OnnxEngine, feeds: Record<string, OnnxTensor>): Promise<Record<string, OnnxTensor>> {
  const session = await createOnnxSession(model, { engine });
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

/**
 * max |a − b| (Infinity when the lengths differ or a value is NaN).
 *
 * @example
 * ```ts
 * maxAbsDiff([1, 2], [1, 2.5]); // 0.5
 * ```
 */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= worst)) worst = Number.isNaN(d) ? Infinity : d;
  }
  return worst;
}

/**
 * Expects an ONNX result to equal a tfjs tensor in shape and to within `tolerance`, and records
 * the deviation under `kind`.
 *
 * @example
 * ```ts
 * expectClose(got.attention, expected.weights, 'mha attention'); // ≤ 1e-4
 * ```
 */
export function expectClose(actual: OnnxTensor | undefined, expected: tf.Tensor, kind: string, tolerance = 1e-4): number {
  expect(actual, `${kind}: output missing`).toBeDefined();
  expect(actual!.dims, `${kind}: shape`).toEqual(expected.shape);
  const diff = maxAbsDiff(actual!.data as Float32Array, expected.dataSync() as Float32Array);
  worst[kind] = Math.max(worst[kind] ?? 0, diff);
  expect(diff, `${kind}: max abs diff`).toBeLessThanOrEqual(tolerance);
  return diff;
}

/**
 * Overwrites every variable of a built Layer with seeded normal values (biases, norm scales and
 * shifts included), so that a wrongly wired weight cannot hide behind a zero or a one.
 *
 * @example
 * ```ts
 * randomizeLayer(mha, 1);
 * ```
 */
export function randomizeLayer(layer: { weights: { read(): tf.Tensor; write(t: tf.Tensor): unknown }[] }, seed: number, std = 0.25): void {
  layer.weights.forEach((v, i) => tf.tidy(() => {
    const shape = v.read().shape;
    v.write(normal(shape, seed + i, shape.length === 1 ? 0.5 : std));
  }));
}
