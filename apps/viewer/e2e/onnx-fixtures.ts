/** ONNX models and page probes for the end-to-end tests of the viewer's onnxruntime paths. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { exportPCT } from '@heed/onnx/points';
import { createPCT } from '@heed/point-transformer';

/**
 * A user's ONNX model made the way a Heed user would: a seeded PCT with small grouping stages
 * (64 → 32 → 16 points), exported with its attention outputs and class names, written to a
 * temporary `small-pct.onnx`. Returns the file's path.
 */
export async function smallPctOnnx(): Promise<string> {
  await tf.setBackend('cpu');
  const model = createPCT({ variant: 'pct', task: 'classification', numClasses: 3, stages: [{ numSamples: 32, k: 8 }, { numSamples: 16, k: 8 }], seed: 17 });
  const bytes = exportPCT(model, { attention: true, numPoints: 64, name: 'small pct', metadata: { 'heed.class_names': JSON.stringify(['cube', 'torus', 'cone']) } });
  model.dispose();
  const path = join(mkdtempSync(join(tmpdir(), 'heed-viewer-e2e-')), 'small-pct.onnx');
  writeFileSync(path, bytes);
  return path;
}

/** In the page: the current run's backend, predicted class, and `query`'s attention row in `layer` (1-based). */
export function attentionRowAt({ layer, query }: { layer: number; query: number }): { backend: string; predicted: string; queryPoint: number; row: number[] } {
  const run = (globalThis as unknown as { heed: { run: import('../src/protocol.js').ModelRun } }).heed.run;
  const m = run.layerXyz.length / 3;
  const q = run.nearestLayerPoint[query]!;
  const p = run.probabilities!;
  return { backend: run.backend, predicted: run.labels[p.indexOf(Math.max(...p))]!, queryPoint: q, row: Array.from(run.layers[layer - 1]!.mixing.subarray(q * m, (q + 1) * m)) };
}
