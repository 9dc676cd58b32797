import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { OnnxGraph, attentionRow, createOnnxSession, exportPCT, pointTensor } from '@heed/onnx/points';
import { Random, createPCT, prepareCloud, sampleShape } from '@heed/point-transformer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attentionValues, layerPoints } from '../color/attention-values.js';
import { runModel } from './model-run.js';
import { type UserOnnxModel, loadUserOnnx, runUserOnnx } from './user-onnx.js';

const testData = (name: string) => fileURLToPath(new URL(`../../../../packages/onnx/test-data/${name}`, import.meta.url));
const start = (bytes: Uint8Array) => createOnnxSession(bytes, { engine: 'ort-wasm' });
const opened: UserOnnxModel[] = [];

async function open(bytes: Uint8Array, fileName: string): Promise<UserOnnxModel> {
  const model = await loadUserOnnx(bytes, fileName, start);
  opened.push(model);
  return model;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterAll(async () => {
  await Promise.all(opened.map((m) => m.session.release()));
});

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

describe("a user's ONNX model", () => {
  it("a Heed PCT export with class names in its metadata runs as the shipped path runs the same model", async () => {
    const model = createPCT({ variant: 'pct', task: 'classification', numClasses: 3, stages: [{ numSamples: 32, k: 8 }, { numSamples: 16, k: 8 }], seed: 11 });
    const bytes = exportPCT(model, { attention: true, numPoints: 64, metadata: { 'heed.class_names': '["cube","torus","cone"]' } });
    const user = await open(bytes, 'small-pct.onnx');
    expect(user.descriptor).toMatchObject({ id: 'onnx:small-pct.onnx', points: 64 });
    expect(user.descriptor.onnx).toMatchObject({ pointInput: { name: 'points', layout: 'points-last' }, points: { count: 64, fixed: true }, classNames: ['cube', 'torus', 'cone'] });
    expect(user.descriptor.onnx!.attention).toEqual([1, 2, 3, 4].map((i) => ({ name: `attention_${i}`, points: `xyz_${i}` })));
    const positions = sampleShape('torus', new Random(5), { points: 700, rotation: 'up' });
    const run = await runUserOnnx(user, positions, 'ort-wasm');
    const js = await runModel({ model, labels: ['cube', 'torus', 'cone'], descriptor: { id: 'js', label: 'js', variant: 'pct', task: 'classification', points: 64, available: true } }, positions, { backend: 'cpu' });
    model.dispose();
    expect(run.labels).toEqual(['cube', 'torus', 'cone']);
    expect(maxDifference(run.probabilities!, js.probabilities!)).toBeLessThan(1e-4);
    expect(run.layers.map((l) => [l.name, l.kind, l.heads])).toEqual([1, 2, 3, 4].map((i) => [`attention_${i}`, 'offset', 1]));
    expect(Array.from(run.nearestLayerPoint)).toEqual(Array.from(js.nearestLayerPoint));
    run.layers.forEach((l, i) => expect(maxDifference(l.mixing, js.layers[i]!.mixing)).toBeLessThan(1e-4));
    expect(maxDifference(run.rollout!, js.rollout!)).toBeLessThan(1e-4);
    expect(run.onnx!.outputs.find((o) => o.name === 'attention_2')!.dims).toEqual([1, 16, 16]);
  });

  it.skipIf(!existsSync(testData('user-point-attention.onnx')))('PyTorch-exported, channels-first, with a 2-head output: each query gets its row of the output, head by head', async () => {
    const user = await open(new Uint8Array(readFileSync(testData('user-point-attention.onnx'))), 'user-point-attention.onnx');
    expect(user.descriptor.onnx).toMatchObject({ pointInput: { name: 'points', layout: 'channels-first' }, points: { fixed: false } });
    // 32 points: fed whole (no resampling, no reordering), so layer point i is input point i.
    const positions = sampleShape('cube', new Random(8), { points: 32, rotation: 'up' });
    const run = await runUserOnnx(user, positions, 'ort-wasm');
    expect(run.layers.map((l) => [l.name, l.heads])).toEqual([['attention_sa1', 1], ['attention_sa2', 1], ['attention_heads', 2]]);
    expect(Array.from(run.nearestLayerPoint)).toEqual(Array.from({ length: 32 }, (_, i) => i));
    expect(run.probabilities).toHaveLength(5);
    expect(run.labels[4]).toBe('class 4');
    const prepared = prepareCloud(positions, { numPoints: 32 });
    const direct = await user.session.run({ points: pointTensor(user.input, [prepared.points]) });
    for (const [layer, name, heads] of [[1, 'attention_sa1', 1], [3, 'attention_heads', 2]] as const) {
      for (let head = 0; head < heads; head++) {
        for (const query of [0, 17, 31]) {
          expect(maxDifference(attentionValues(run, 'query', { layer, head, query }), attentionRow(direct[name]!, { query, head }))).toBeLessThan(1e-6);
        }
      }
    }
  });

  it.skipIf(!existsSync(testData('user-xyz-subsample.onnx')))('an output over a subsample takes its points from xyz_*: its own nearest index, and no rollout across point sets', async () => {
    const user = await open(new Uint8Array(readFileSync(testData('user-xyz-subsample.onnx'))), 'user-xyz-subsample.onnx');
    const positions = sampleShape('torus', new Random(9), { points: 500, rotation: 'up' });
    const run = await runUserOnnx(user, positions, 'ort-wasm');
    expect(run.layers.map((l) => l.name)).toEqual(['attention_full', 'attention_down']);
    expect(run.layerXyz.length / 3).toBe(500);
    expect(run.layers[0]!.points).toBeUndefined();
    const down = layerPoints(run, 2);
    expect(down.xyz.length / 3).toBe(125);
    expect(down.nearest.length).toBe(500);
    expect(run.rollout).toBeUndefined();
    const values = attentionValues(run, 'query', { layer: 2, head: 0, query: 321 });
    expect(values.length).toBe(125);
    expect(values.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
  });

  it('refuses what it cannot run, saying why', async () => {
    await expect(open(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), 'junk.onnx')).rejects.toThrow(/junk\.onnx: not an ONNX model/);
    const withoutAttention = createPCT({ variant: 'spct', task: 'classification', numClasses: 2, seed: 1 });
    await expect(open(exportPCT(withoutAttention), 'plain.onnx')).rejects.toThrow(/plain\.onnx: no attention outputs to show .*logits/);
    withoutAttention.dispose();
    const segmenter = createPCT({ variant: 'spct', task: 'segmentation', numClasses: 4, numCategories: 2, seed: 1 });
    await expect(open(exportPCT(segmenter, { attention: true }), 'seg.onnx')).rejects.toThrow(/seg\.onnx: the model also needs categories int64 \[batch\]/);
    segmenter.dispose();
    const g = new OnnxGraph('features');
    g.output(g.node('Softmax', [g.input('features', 'float32', [1, 8, 16])], { axis: -1 }), 'float32', [1, 8, 16], 'attention');
    await expect(open(g.toModel(), 'features.onnx')).rejects.toThrow(/features\.onnx: no point-cloud input .*features float32 \[1, 8, 16\]/);
  });
});
