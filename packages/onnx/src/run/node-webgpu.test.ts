import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createPCT } from '@heed/point-transformer';
import { seededRandom } from '@heed/testing';
import { exportPCT } from '../export/pct/pct-export.js';
import { createOnnxSession } from './onnx-session.js';

describe('ort-webgpu in Node (Dawn; SwiftShader without a GPU)', () => {
  // A real adapter run: without one, createOnnxSession throws and the test fails — it never skips.
  it('runs an exported SPCT with its attention outputs as ort-node does', async () => {
    await tf.setBackend('cpu');
    const model = createPCT({ variant: 'spct', numClasses: 3, seed: 5 });
    const bytes = exportPCT(model, { attention: true });
    model.dispose();
    const random = seededRandom(11);
    const points = { data: Float32Array.from({ length: 2 * 40 * 3 }, () => random() * 2 - 1), dims: [2, 40, 3] };
    const gpu = await createOnnxSession(bytes, { engine: 'ort-webgpu' });
    const cpu = await createOnnxSession(bytes, { engine: 'ort-node' });
    expect(gpu.engine).toBe('ort-webgpu');
    const [a, b] = [await gpu.run({ points }), await cpu.run({ points })];
    for (const name of cpu.outputNames) {
      expect(a[name]!.dims, name).toEqual(b[name]!.dims);
      const x = a[name]!.data as Float32Array, y = b[name]!.data as Float32Array;
      const error = x.reduce((m, v, i) => Math.max(m, Math.abs(v - y[i]!)), 0);
      expect(error, name).toBeLessThanOrEqual(1e-4);
    }
    await gpu.release();
    await cpu.release();
  }, 120_000);
});
