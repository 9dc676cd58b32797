/**
 * Spies for the chunking tests of the point kernels and offset-attention: which programs ran, and
 * every storage range bound, checked against the binding limit and the offset alignment.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { expect, vi } from 'vitest';

/**
 * Starts recording the active webgpu backend's programs and bind groups (`vi.restoreAllMocks()`
 * stops it). `dispatches(P)` counts programs of class P; `expectBound(limit, sliceBytes)` checks
 * that every storage binding is within `limit` bytes at an aligned offset, that some binding is a
 * view (offset > 0), and — with `sliceBytes` — that some view starts off a slice boundary.
 */
export function watchBindings() {
  const gpu = tf.backend() as WebGPUBackend;
  const runs = vi.spyOn(gpu, 'runWebGPUProgram');
  const groups = vi.spyOn(gpu.device, 'createBindGroup');
  const alignment = gpu.device.limits.minStorageBufferOffsetAlignment;
  const bindings = () => groups.mock.calls.flatMap(([{ entries }]) => [...entries].map((e) => e.resource as GPUBufferBinding))
    .filter((b) => b.buffer.usage & GPUBufferUsage.STORAGE);
  return {
    dispatches: (program: abstract new (...args: never[]) => unknown) => runs.mock.calls.filter(([p]) => p instanceof program).length,
    expectBound(limit: number, sliceBytes?: number) {
      const bound = bindings();
      expect(bound.length).toBeGreaterThan(0);
      for (const b of bound) {
        expect(b.size ?? b.buffer.size).toBeLessThanOrEqual(limit);
        expect((b.offset ?? 0) % alignment).toBe(0);
      }
      expect(bound.some((b) => (b.offset ?? 0) > 0)).toBe(true);
      // An aligned offset that is not a slice boundary: the shader's base offset did the rest.
      if (sliceBytes !== undefined) expect(bound.some((b) => (b.offset ?? 0) % sliceBytes !== 0)).toBe(true);
    },
  };
}
