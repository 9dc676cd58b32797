/**
 * PCT classification (40 classes, N = 1024, B = 1, FPS + kNN included) in a browser worker, on the
 * same exported graph and input: the viewer's own onnxruntime path (`ortSession`, what `auto` runs
 * on a CPU), raw onnxruntime-web (InferenceSession + Tensor, same threads and wasm files), and the
 * tfjs-wasm model. Sequential, interleaved repetitions after a warm-up; medians and minima.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as ort from 'onnxruntime-web';
import { createPCT } from '@heed/point-transformer';
import { exportPCT } from '@heed/onnx/points';
import { useBackend } from '../../src/worker/backend-setup.js';
import { ortSession, ortThreads, ortWasmPaths } from '../../src/worker/ort-runtime.js';

type Step = () => Promise<void>;
const progress = (text: string) => self.postMessage({ progress: text });

async function timeAll(steps: Record<string, Step>, reps: number): Promise<Record<string, { medianMs: number; minMs: number; reps: number }>> {
  for (const [name, step] of Object.entries(steps)) {
    await step(); // warm-up: wasm compile, kernel caches
    progress(`warm: ${name}`);
  }
  const ms: Record<string, number[]> = Object.fromEntries(Object.keys(steps).map((k) => [k, []]));
  for (let r = 0; r < reps; r++) {
    for (const [name, step] of Object.entries(steps)) {
      const t0 = performance.now();
      await step();
      ms[name]!.push(performance.now() - t0);
    }
  }
  return Object.fromEntries(Object.entries(ms).map(([k, v]) => {
    v.sort((a, b) => a - b);
    return [k, { medianMs: +v[Math.floor(v.length / 2)]!.toFixed(2), minMs: +v[0]!.toFixed(2), reps: v.length }];
  }));
}

self.onmessage = async (e: MessageEvent<{ quick: boolean }>) => {
  try {
    const reps = e.data.quick ? 5 : 20;
    await useBackend('wasm');
    const model = createPCT({ numClasses: 40, seed: 1 });
    const xyz = Float32Array.from({ length: 1024 * 3 }, (_, i) => Math.sin(i * 12.9898) * 0.5);
    const bytes = exportPCT(model);
    const heed = await ortSession(bytes, 'ort-wasm');
    ort.env.wasm.wasmPaths = ortWasmPaths('ort-wasm');
    ort.env.wasm.numThreads = ortThreads();
    const raw = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
    const points = tf.tensor3d(xyz, [1, 1024, 3]);
    const result = await timeAll({
      'heed (viewer ort-wasm path)': async () => { await heed.run({ points: { data: xyz, dims: [1, 1024, 3] } }); },
      'onnxruntime-web (wasm, raw)': async () => { await raw.run({ points: new ort.Tensor('float32', xyz, [1, 1024, 3]) }); },
      'heed tfjs-wasm model': async () => {
        const { logits } = model.predict(points);
        await logits.data();
        logits.dispose();
      },
    }, reps);
    points.dispose();
    await heed.release();
    await raw.release();
    model.dispose();
    self.postMessage({ result: { threads: ortThreads(), crossOriginIsolated: self.crossOriginIsolated, userAgent: navigator.userAgent, timings: result } });
  } catch (error) {
    self.postMessage({ error: (error as Error).stack ?? String(error) });
  }
};
