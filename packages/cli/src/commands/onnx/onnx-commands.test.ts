/** `heed export` and `heed run-onnx`: the reference checkpoint through ONNX against PyTorch, user models, errors. */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { writePointCloudFile } from '@heed/pointcloud-io/node';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createPCT } from '@heed/point-transformer';
import { readPly } from '@heed/pointcloud-io';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { OnnxGraph } from '@heed/onnx';
import type { AttentionOutput } from '../pct/attention.js';
import { fixture, heed, heedBinary, inputIndexOfCentre, maxAbs, tempDir, testData, writeFixtureCloud } from '../pct/test/harness.js';
import type { ExportOutput } from './export.js';
import type { RunOnnxOutput } from './run-onnx.js';

let dir: string, cloud: string, pctOnnx: string;
beforeAll(async () => {
  dir = tempDir();
  cloud = await writeFixtureCloud(dir);
  pctOnnx = join(dir, 'pct.onnx');
  const r = await heed('export', 'pct', '--weights', join(testData, 'pct_reference.safetensors'), '-o', pctOnnx, '--attention');
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
});

const runOnnx = async (...args: string[]) => {
  const r = await heed('run-onnx', ...args, '--json');
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as RunOnnxOutput;
};

describe('heed export pct: the acceptance check', () => {
  it('onnxruntime-node itself, fed points [1, 1024, 3], reproduces PyTorch logits (≤ 2e-4)', async () => {
    // onnxruntime straight, not through Heed: the file alone must carry the model.
    const ort = await import('onnxruntime-node');
    const session = await ort.InferenceSession.create(readFileSync(pctOnnx));
    const points = new ort.Tensor('float32', Float32Array.from(fixture.points.data), [1, 1024, 3]);
    const { logits } = await session.run({ points });
    const error = maxAbs(Array.from(logits!.data as Float32Array), fixture.logits);
    console.log(`heed export pct → onnxruntime-node: max |Δlogit| vs PyTorch ${error.toExponential(2)}`);
    expect(error).toBeLessThanOrEqual(2e-4);
    await session.release();
  });

  it('--json describes the file: inputs, outputs with the attention maps and their points, metadata', async () => {
    const file = join(dir, 'plain.onnx');
    const r = await heed('export', 'pct', '--weights', join(testData, 'pct_reference.pth'), '-o', file, '--json');
    const out = JSON.parse(r.stdout) as ExportOutput;
    expect(out.inputs).toEqual([{ name: 'points', type: 'float32', dims: ['batch', 'points', 3] }]);
    expect(out.outputs.map((o) => o.name)).toEqual(['logits']);
    expect(out.metadata).toMatchObject({ 'heed.variant': 'pct', 'heed.classes': '10', 'heed.points': '1024', 'heed.attention_queries': 'columns' });
    expect(out.bytes).toBe(readFileSync(file).length);
    const text = await heed('export', 'pct', '--weights', join(testData, 'pct_reference.pth'), '-o', file, '--attention');
    expect(text.stdout).toMatch(/attention_4 +float32 \[batch, centres, centres\] +attention \(query columns\) over xyz_4/);
  });
});

describe('heed run-onnx', () => {
  it("runs Heed's export on a cloud: PyTorch logits, the four attention maps listed", async () => {
    const out = await runOnnx(pctOnnx, cloud, '--no-normalize');
    expect(maxAbs(out.logits!, fixture.logits)).toBeLessThanOrEqual(2e-4);
    expect(out).toMatchObject({ engine: 'ort-node', input: { name: 'points', layout: 'points-last', points: 1024 }, points: 1024, classes: null });
    expect(out.engineReason).toMatch(/^auto: /);
    expect(out.attention).toEqual(['attention_1', 'attention_2', 'attention_3', 'attention_4']);
    expect(out.outputs['attention_2']!.dims).toEqual([1, 256, 256]);
    expect(maxAbs(out.outputs['xyz_3']!.data, fixture.centresXyz)).toBe(0);
  });

  it('--query gives the PyTorch attention column of a fixture query, as heed attention does', async () => {
    const qi = 2, layer = 2, query = inputIndexOfCentre(fixture.queries[qi]!);
    const out = await runOnnx(pctOnnx, cloud, '--no-normalize', '--query', String(query), '--output', `attention_${layer}`);
    const q = out.query as AttentionOutput;
    expect(q).toMatchObject({ layer, name: `attention_${layer}`, query, queryPoint: fixture.queries[qi] });
    expect(maxAbs(q.weights, fixture.attention[layer - 1]!.columns[qi]!)).toBeLessThanOrEqual(1e-4);
    expect(maxAbs(q.xyz.flat(), fixture.centresXyz)).toBe(0);
  });

  it('--engine ort-wasm gives the same numbers', async () => {
    const native = await runOnnx(pctOnnx, cloud, '--no-normalize');
    const wasm = await runOnnx(pctOnnx, cloud, '--no-normalize', '--engine', 'ort-wasm');
    expect(wasm.engine).toBe('ort-wasm');
    expect(maxAbs(wasm.logits!, native.logits!)).toBeLessThanOrEqual(1e-4);
    expect(maxAbs(wasm.outputs['attention_4']!.data, native.outputs['attention_4']!.data)).toBeLessThanOrEqual(1e-4);
  });

  it('--out writes the cloud coloured by the query attention, with an attention property', async () => {
    const out = join(dir, 'coloured.ply');
    const r = await heed('run-onnx', pctOnnx, cloud, '--query', '7', '--out', out);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/wrote .*coloured\.ply \(1024 points coloured by attention_1, viridis\)/);
    const written = readPly(readFileSync(out)).cloud;
    expect(written.positions.length).toBe(1024 * 3);
    const values = written.fields!['attention']!;
    expect(Math.max(...values)).toBeGreaterThan(Math.min(...values));
    expect(written.colors!.length).toBe(1024 * 3);
  });

  it('feeds a channels-first model with a fixed N, resampling the cloud, and reads its attention rows over the input points', async () => {
    const file = join(dir, 'channels-first.onnx');
    writeFileSync(file, channelsFirstModel(64));
    const out = await runOnnx(file, cloud, '--query', '3');
    expect(out.input).toEqual({ name: 'cloud', layout: 'channels-first', points: 64 });
    expect(out.points).toBe(1024);
    // The model's "attention" is the identity-like map softmax(-|x_i - x_j|² · 100): each query's
    // heaviest weight is on itself.
    const q = out.query!;
    expect(q.weights.indexOf(Math.max(...q.weights))).toBe(q.queryPoint);
    expect(q.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(out.logits).toBeNull();
  });

  it("runs a researcher's torch.onnx.export (channels-first, open N) on a cloud: PyTorch's outputs, its attention maps listed", async () => {
    const userData = fileURLToPath(new URL('../../../../onnx/test-data/', import.meta.url));
    const expected = JSON.parse(readFileSync(join(userData, 'user-point-attention.expected.json'), 'utf8')) as {
      cases: { inputs: { points: { dims: number[]; data: number[] } }; outputs: Record<string, { dims: number[]; data: number[] }> }[];
    };
    const { inputs, outputs } = expected.cases[0]!;
    const [, , n] = inputs.points.dims as [number, number, number];
    // Cloud 0 of the fixture batch, from channels-first [3, N] to points.
    const positions = Float32Array.from({ length: n * 3 }, (_, i) => inputs.points.data[(i % 3) * n + Math.floor(i / 3)]!);
    const file = join(dir, 'user-cloud.ply');
    await writePointCloudFile(file, { positions });
    const out = await runOnnx(join(userData, 'user-point-attention.onnx'), file, '--no-normalize');
    expect(out.input).toEqual({ name: 'points', layout: 'channels-first', points: n });
    expect(out.attention).toEqual(Object.keys(outputs).filter((k) => k.startsWith('attention')));
    for (const [name, t] of Object.entries(outputs)) {
      const perCloud = t.data.length / t.dims[0]!;
      expect(out.outputs[name]!.dims).toEqual([1, ...t.dims.slice(1)]);
      expect(maxAbs(out.outputs[name]!.data, t.data.slice(0, perCloud)), name).toBeLessThanOrEqual(1e-5);
    }
  });

  it('--engine ort-webgpu (Dawn; SwiftShader without a GPU) gives the ort-node outputs', async () => {
    const file = join(dir, 'channels-first-gpu.onnx');
    writeFileSync(file, channelsFirstModel(64));
    const [gpu, cpu] = [await runOnnx(file, cloud, '--engine', 'ort-webgpu'), await runOnnx(file, cloud, '--engine', 'ort-node')];
    expect(gpu.engine).toBe('ort-webgpu');
    expect(maxAbs(gpu.outputs['attention_self']!.data, cpu.outputs['attention_self']!.data)).toBeLessThanOrEqual(1e-5);
  }, 120_000);

  it('errors: not an ONNX file, a model needing more than a cloud, a bad --output / --points / --out', async () => {
    const notOnnx = await heed('run-onnx', cloud, cloud);
    expect(notOnnx.status).toBe(1);
    expect(notOnnx.stderr).toMatch(/^heed: .*fixture\.ply: not an ONNX model/);
    const missing = await heed('run-onnx', join(dir, 'nope.onnx'), cloud);
    expect(missing.stderr).toMatch(/nope\.onnx: cannot read the model \(ENOENT\)/);

    await tf.setBackend('cpu');
    const seg = createPCT({ variant: 'spct', task: 'segmentation', numClasses: 3, numCategories: 2, seed: 1 });
    const segFile = join(dir, 'seg.onnx');
    const { exportPCT } = await import('@heed/onnx');
    writeFileSync(segFile, exportPCT(seg));
    seg.dispose();
    const needs = await heed('run-onnx', segFile, cloud);
    expect(needs.status).toBe(1);
    expect(needs.stderr).toMatch(/seg\.onnx: the model also needs categories int64 \[batch\]/);

    const output = await heed('run-onnx', pctOnnx, cloud, '--query', '0', '--output', 'logits');
    expect(output).toMatchObject({ status: 2, stderr: expect.stringMatching(/--output logits: not an attention output of .*pct\.onnx \(it has attention_1, attention_2, attention_3, attention_4\)/) });
    const fixedFile = join(dir, 'fixed.onnx');
    writeFileSync(fixedFile, channelsFirstModel(64));
    expect((await heed('run-onnx', fixedFile, cloud, '--points', '100')).stderr).toMatch(/--points 100: .*takes exactly 64 points/);
    expect((await heed('run-onnx', pctOnnx, cloud, '--out', 'x.ply')).status).toBe(2);
    expect((await heed('run-onnx', pctOnnx, cloud, '--query', '5000')).stderr).toMatch(/--query 5000: the cloud has 1024 points/);
  });
});

describe('heed export: the shipped vision models', () => {
  it.for(['cbam', 'vit'] as const)('%s: an image model with its attention outputs and class names', async (model) => {
    const file = join(dir, `${model}.onnx`);
    const out = JSON.parse((await heed('export', model, '-o', file, '--attention', '--json')).stdout) as ExportOutput;
    expect(out.inputs[0]).toMatchObject({ name: 'image', type: 'float32' });
    expect(out.outputs[0]!.name).toBe('logits');
    expect(out.outputs.filter((o) => o.name.startsWith('attention')).length).toBeGreaterThan(0);
    expect(JSON.parse(out.metadata['heed.class_names']!)).toHaveLength(4);
    expect((await heed('export', model, '-o', file, '--weights', 'x.pth')).status).toBe(2);
  });
});

/**
 * A channels-first point model written by hand ([1, 3, N] → `attention_self` [1, N, N] =
 * softmax over j of −100·|x_i − x_j|²), standing in for a user's export with a fixed N.
 */
function channelsFirstModel(n: number): Uint8Array {
  const g = new OnnxGraph('channels_first');
  const xyz = g.node('Transpose', [g.input('cloud', 'float32', [1, 3, n])], { perm: [0, 2, 1] }); // [1, N, 3]
  const diff = g.node('Sub', [g.node('Unsqueeze', [xyz, g.int64s([2])]), g.node('Unsqueeze', [xyz, g.int64s([1])])]); // [1, N, N, 3]
  const d2 = g.node('ReduceSum', [g.node('Mul', [diff, diff]), g.int64s([3])], { keepdims: 0 });
  const scores = g.node('Mul', [d2, g.constant(new Float32Array([-100]), [], 'sharpness')]);
  g.output(g.node('Softmax', [scores], { axis: 2 }), 'float32', [1, n, n], 'attention_self');
  return g.toModel();
}
