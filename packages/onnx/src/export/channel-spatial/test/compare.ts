/**
 * Test helpers: seeded tensors, and running an exported model in onnxruntime-node and ort-wasm
 * against tfjs's values.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { expect } from 'vitest';
import { seededRandom } from '@heed/vision';
import { type OnnxSession, type OnnxTensor, createOnnxSession } from '../../../run/onnx-session.js';

/** The engines every export is checked on. */
export const ENGINES = ['ort-node', 'ort-wasm'] as const;
/** Largest absolute difference allowed between tfjs (cpu) and onnxruntime. */
export const TOLERANCE = 1e-4;

/** Makes tfjs's cpu backend the active one. */
export async function useCpu(): Promise<void> {
  if (!(await tf.setBackend('cpu'))) throw new Error('tfjs cpu backend failed to initialise');
  await tf.ready();
}

/** A seeded source of tensors (the vision package's PRNG: the same values on every machine). */
export function tensorSource(seed: number) {
  const rng = seededRandom(seed);
  return {
    /** Normal(mean, std) values. */
    normal: (shape: number[], std = 1, mean = 0) => tf.tensor(Float32Array.from({ length: sizeOf(shape) }, () => mean + std * rng.normal()), shape, 'float32'),
    /** Uniform [lo, hi) values. */
    uniform: (shape: number[], lo: number, hi: number) => tf.tensor(Float32Array.from({ length: sizeOf(shape) }, () => rng.uniform(lo, hi)), shape, 'float32'),
    /** [B, N, k] int32 neighbour indices into N: each point first, then k − 1 random others. */
    neighbours: (b: number, n: number, k: number) => tf.tensor3d(Int32Array.from({ length: b * n * k }, (_, i) => (i % k === 0 ? Math.floor(i / k) % n : rng.int(0, n - 1))), [b, n, k], 'int32'),
  };
}

const sizeOf = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** A tfjs tensor as a session feed. */
export function feed(t: tf.Tensor): OnnxTensor {
  return { data: t.dataSync() as Float32Array | Int32Array, dims: [...t.shape] };
}

/** Largest |a − b|; throws when the lengths differ. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= max)) max = Number.isNaN(d) ? Infinity : d;
  }
  return max;
}

/** One run of a model: its feeds, and tfjs's values of (some of) its outputs. */
export interface ComparisonCase {
  label: string;
  feeds: Record<string, tf.Tensor>;
  expected: Record<string, tf.Tensor>;
}

/**
 * Runs every case in each engine; expects each output's shape to be tfjs's and its values within
 * {@link TOLERANCE}. Returns the largest difference seen per output name (over engines and cases).
 */
export async function expectMatchesTfjs(model: Uint8Array, cases: ComparisonCase[], check?: (session: OnnxSession) => void): Promise<Record<string, number>> {
  const worst: Record<string, number> = {};
  for (const engine of ENGINES) {
    const session = await createOnnxSession(model, { engine });
    check?.(session);
    try {
      for (const c of cases) {
        const feeds = Object.fromEntries(Object.entries(c.feeds).map(([name, t]) => [name, feed(t)]));
        const result = await session.run(feeds, Object.keys(c.expected));
        for (const [name, t] of Object.entries(c.expected)) {
          const where = `${engine}, ${c.label}, ${name}`;
          expect(result[name]!.dims, where).toEqual(t.shape);
          const diff = maxAbsDiff(result[name]!.data as Float32Array, t.dataSync() as Float32Array);
          expect(diff, where).toBeLessThanOrEqual(TOLERANCE);
          worst[name] = Math.max(worst[name] ?? 0, diff);
        }
      }
    } finally {
      await session.release();
    }
  }
  return worst;
}

/** Calls `fn` and expects tfjs to hold as many tensors after as before. */
export function expectNoNewTensors<T>(fn: () => T): T {
  const before = tf.memory().numTensors;
  const result = fn();
  expect(tf.memory().numTensors, 'tensors left behind').toBe(before);
  return result;
}
