import * as tf from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { inCI } from '@heed/testing';
import { createPCT } from '@heed/point-transformer';
import {
  DeviceLostError, deviceRecovery, fusedKernelNames, initWebGPU, onDeviceLost, preserveAcrossDeviceLoss,
  refreshPreserved, releasePreserved, simulateDeviceLoss, type DeviceLossEvent, type WebGPUInit,
} from './index.js';

let init: WebGPUInit;
beforeAll(async () => {
  init = await initWebGPU({ fallback: inCI ? null : 'cpu' });
  // tfjs-webgpu runs small ops on the CPU when their inputs are still on the host; these tests
  // need data that exists only on the device.
  tf.env().set('WEBGPU_CPU_FORWARD', false);
});
afterEach(() => releasePreserved());

const skipUnlessGPU = (ctx: { skip: (note?: string) => never }) => {
  if (tf.getBackend() !== 'webgpu') ctx.skip(`no WebGPU adapter: ${init.reason}`);
};

const currentDevice = () => (tf.backend() as WebGPUBackend).device;

/** Destroys the active device — the one way to lose a device on purpose — and waits for the recovery. */
const loseDevice = simulateDeviceLoss;

/** A tensor whose data exists only on the GPU: the output of an op. */
const onDevice = (values: number[]) => tf.tidy(() => tf.mul(tf.tensor(values), 1));
const variableOnDevice = (values: number[]) => tf.tidy(() => tf.variable(onDevice(values)));

/** The values of `f()`, which is disposed. */
async function valuesOf(f: () => tf.Tensor): Promise<Float32Array> {
  const t = f();
  try { return (await t.data()) as Float32Array; } finally { t.dispose(); }
}

describe('device loss', () => {
  it('brings back a new WebGPU device with preserved tensors and variables under the same objects', async (ctx) => {
    skipUnlessGPU(ctx);
    const tensorsBefore = tf.memory().numTensors;
    const kept = onDevice([1, 2, 3]);
    const variable = variableOnDevice([4, 5]);
    const dropped = onDevice([6, 7]);
    await preserveAcrossDeviceLoss([kept, variable]);
    // Assigned after the host copy: comes back with the copy's value, as documented.
    tf.tidy(() => variable.assign(tf.tensor([40, 50])));
    const before = currentDevice();

    const event = await loseDevice();

    expect(event.reason).toBe('destroyed');
    expect(event.init.backend).toBe('webgpu');
    expect(event.restored).toBe(2);
    expect(tf.getBackend()).toBe('webgpu');
    expect(currentDevice()).not.toBe(before);
    for (const name of fusedKernelNames) expect(tf.getKernel(name, 'webgpu')).toBeDefined();
    expect(await kept.data()).toEqual(new Float32Array([1, 2, 3]));
    expect(await variable.data()).toEqual(new Float32Array([4, 5]));
    // Ops run on the new device with the restored data; training-style assignment keeps working.
    expect(await valuesOf(() => tf.add(kept, 1))).toEqual(new Float32Array([2, 3, 4]));
    tf.tidy(() => variable.assign(tf.tensor([8, 9])));
    expect(await variable.data()).toEqual(new Float32Array([8, 9]));
    // Unpreserved device-only data is gone, and says so instead of returning garbage.
    await expect(dropped.data()).rejects.toThrow(DeviceLostError);
    expect(() => tf.add(dropped, 1)).toThrow(/WebGPU device that was lost \(destroyed/);
    tf.dispose([kept, variable, dropped]);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(deviceRecovery()).toBeUndefined();
  });

  it('keeps data tfjs still held on the host, and restores the latest refreshed copy', async (ctx) => {
    skipUnlessGPU(ctx);
    const neverUploaded = tf.tensor([3, 1, 4]);
    const variable = variableOnDevice([1, 1]);
    await preserveAcrossDeviceLoss([variable]);
    tf.tidy(() => variable.assign(tf.tensor([2, 7])));
    await refreshPreserved();
    const heard: string[] = [];
    const stopListening = onDeviceLost(({ reason, init: now }) => heard.push(`${reason} → ${now.backend}`));
    // Twice: the host copies outlive the first recovery.
    for (let loss = 0; loss < 2; loss++) {
      await loseDevice();
      if (loss === 0) stopListening();
      expect(await neverUploaded.data()).toEqual(new Float32Array([3, 1, 4]));
      expect(await variable.data()).toEqual(new Float32Array([2, 7]));
    }
    expect(heard).toEqual(['destroyed → webgpu']);
    tf.dispose([neverUploaded, variable]);
  });

  it('a PCT whose weights are preserved predicts the same logits on the new device', async (ctx) => {
    skipUnlessGPU(ctx);
    const model = createPCT({ variant: 'spct', numClasses: 5, seed: 3 });
    const cloud = tf.randomUniform([1, 64, 3], -1, 1, 'float32', 7) as tf.Tensor3D;
    await preserveAcrossDeviceLoss([...Object.values(tf.engine().registeredVariables), cloud]);
    const logits = async () => { const { logits: l } = model.predict(cloud); const v = await l.data(); l.dispose(); return v; };
    const expected = await logits();
    const event = await loseDevice();
    expect(event.restored).toBeGreaterThan(10);
    const got = await logits();
    expect(Math.max(...got.map((x, i) => Math.abs(x - expected[i]!)))).toBeLessThan(1e-6);
    model.dispose();
    cloud.dispose();
  });

  it('falls back (to wasm in CI), preserved tensors included, when no new adapter can be had', async (ctx) => {
    skipUnlessGPU(ctx);
    const kept = onDevice([0.5, -2]);
    await preserveAcrossDeviceLoss([kept]);
    const gpu = navigator.gpu;
    const requestAdapter = gpu.requestAdapter;
    gpu.requestAdapter = async () => null;
    let event: DeviceLossEvent;
    try {
      event = await loseDevice();
    } finally {
      gpu.requestAdapter = requestAdapter;
    }
    // The fallback initWebGPU was given; a null one (as in CI) means wasm after a loss.
    const fallback = inCI ? 'wasm' : 'cpu';
    expect(event.init).toMatchObject({ backend: fallback, reason: 'WebGPU unavailable: no WebGPU adapter found' });
    expect(tf.getBackend()).toBe(fallback);
    expect(tf.findBackend('webgpu')).toBeNull();
    expect(await valuesOf(() => tf.mul(kept, 2))).toEqual(new Float32Array([1, -4]));
    kept.dispose();
    // initWebGPU now reports what the recovery activated.
    expect((await initWebGPU()).backend).toBe(fallback);
  });
});
