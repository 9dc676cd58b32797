import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { readPointCloudFile } from '@heed/pointcloud-io/node';
import { createPCT, prepareCloud } from '@heed/point-transformer';
import { maxRelativeError } from '@heed/testing';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import onnxProto from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportPCT } from '../export/pct/pct-export.js';
import { createOnnxSession } from '../run/onnx-session.js';

/**
 * examples/batch-attention-maps.mjs, run as a user runs it (`node … --batch 2`), checked against
 * one-cloud-at-a-time runs of the same model through createOnnxSession.
 */
const SCRIPT = fileURLToPath(new URL('../../examples/batch-attention-maps.mjs', import.meta.url));
const CLOUDS = fileURLToPath(new URL('../../../pointcloud-io/test-data/', import.meta.url));
const USER_MODEL = fileURLToPath(new URL('../../test-data/user-point-attention.onnx', import.meta.url));
// Real files already in the repo (see pointcloud-io/test-data/SOURCES.md): five formats, 6–700 points.
const GOOD = ['bunny.pcd', 'helix_201.xyz', 'icosahedron.ply', 'bathtub_0002.off', 'diamond.las'].map((f) => join(CLOUDS, f));

const run = promisify(execFile);
let dir: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = mkdtempSync(join(tmpdir(), 'heed-batch-maps-'));
  // A PLY whose header promises 10 vertices that the body does not have.
  writeFileSync(join(dir, 'broken.ply'), 'ply\nformat ascii 1.0\nelement vertex 10\nproperty float x\nproperty float y\nproperty float z\nend_header\n1 2 3\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the script; resolves with its exit code and output whether it succeeded or not. */
async function script(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [SCRIPT, ...args], { timeout: 90_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

/** Parses a .npy file, checking the v1.0 layout the script documents; returns shape and values. */
function readNpy(path: string): { shape: number[]; data: Float32Array } {
  const bytes = readFileSync(path);
  expect(bytes.subarray(0, 6).toString('latin1')).toBe('\x93NUMPY');
  expect([bytes[6], bytes[7]]).toEqual([1, 0]);
  const headerLength = bytes.readUInt16LE(8);
  expect((10 + headerLength) % 64).toBe(0);
  const header = bytes.subarray(10, 10 + headerLength).toString('latin1');
  expect(header.endsWith('\n')).toBe(true);
  const match = /^\{'descr': '<f4', 'fortran_order': False, 'shape': \(([\d, ]*)\), \} *\n$/.exec(header);
  expect(match, header).not.toBeNull();
  const shape = match![1]!.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const body = bytes.subarray(10 + headerLength);
  const data = new Float32Array(body.length / 4);
  for (let i = 0; i < data.length; i++) data[i] = body.readFloatLE(4 * i);
  expect(data.length).toBe(shape.reduce((a, b) => a * b, 1));
  return { shape, data };
}

interface IndexEntry {
  source: string;
  name?: string;
  inputPoints?: number;
  replaced?: boolean;
  transform?: { center: number[]; scale: number };
  predictedClass?: number;
  predictedLabel?: string;
  files?: Record<string, string>;
  error?: string;
}
interface Index {
  input: { name: string; layout: string; points: number };
  batch: number;
  outputs: string[];
  attentionQueries: 'rows' | 'columns';
  written: number;
  failed: number;
  clouds: IndexEntry[];
}

/**
 * Checks every cloud's .npy files against createOnnxSession runs of one cloud at a time (prepared
 * by the same prepareCloud); returns the largest error.
 */
async function checkAgainstSingleRuns(model: Uint8Array, out: string, index: Index, channelsFirst: boolean): Promise<number> {
  const session = await createOnnxSession(model, { engine: 'ort-node' });
  let worst = 0;
  for (const entry of index.clouds.filter((c) => !c.error)) {
    const { cloud } = await readPointCloudFile(entry.source);
    const n = index.input.points;
    const prepared = prepareCloud(cloud.positions, { numPoints: n });
    expect(entry.inputPoints).toBe(cloud.positions.length / 3);
    expect(entry.replaced).toBe(cloud.positions.length / 3 < n);
    expect(entry.transform).toEqual({ center: [...prepared.transform.center], scale: prepared.transform.scale });
    let data = prepared.points;
    if (channelsFirst) data = Float32Array.from({ length: 3 * n }, (_, k) => prepared.points[3 * (k % n) + Math.floor(k / n)]!);
    const single = await session.run({ [index.input.name]: { data, dims: channelsFirst ? [1, 3, n] : [1, n, 3] } });
    expect(Object.keys(entry.files!)).toEqual(index.outputs);
    for (const name of index.outputs) {
      expect(entry.files![name]).toBe(`${entry.name}.${name}.npy`);
      const npy = readNpy(join(out, entry.files![name]!));
      expect(npy.shape, `${entry.name} ${name}`).toEqual(single[name]!.dims.slice(1));
      worst = Math.max(worst, maxRelativeError(npy.data, single[name]!.data as Float32Array));
    }
    const logits = single.logits!.data as Float32Array;
    expect(entry.predictedClass).toBe(logits.indexOf(Math.max(...logits)));
  }
  await session.release();
  return worst;
}

describe('examples/batch-attention-maps.mjs', () => {
  it("a Heed PCT export, --batch 2, five clouds and a broken one: each cloud's .npy files equal a one-cloud run (≤ 1e-5), the broken file is reported and the rest go on", async () => {
    const model = createPCT({ numClasses: 4, seed: 11, stages: [{ numSamples: 24, k: 6 }, { numSamples: 11, k: 5 }] });
    // As `heed export` does: the point count and class names the weights come with, in the metadata.
    const classNames = ['chair', 'lamp', 'plant', 'vase'];
    const bytes = exportPCT(model, { attention: true, metadata: { 'heed.points': '64', 'heed.class_names': JSON.stringify(classNames) } });
    model.dispose();
    const modelPath = join(dir, 'pct.onnx');
    writeFileSync(modelPath, bytes);
    const out = join(dir, 'pct-maps');
    // Batches: [bunny, helix], [icosahedron, bathtub], [diamond] — the last one partial.
    const files = [GOOD[0]!, GOOD[1]!, join(dir, 'broken.ply'), ...GOOD.slice(2)];
    const { code, stderr } = await script(modelPath, out, ...files, '--batch', '2'); // N from heed.points
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/batch-attention-maps: 6\/6 files, 5 written, 1 failed/);
    expect(stderr).toMatch(/1 of 6 clouds could not be read; their errors are in .*index\.json/);

    const index = JSON.parse(readFileSync(join(out, 'index.json'), 'utf8')) as Index;
    expect(index.input).toEqual({ name: 'points', layout: 'points-last', points: 64 });
    expect(index.batch).toBe(2);
    expect(index.attentionQueries).toBe('columns'); // offset-attention, as the export's metadata says
    expect(index.outputs).toEqual(['logits', ...[1, 2, 3, 4].map((i) => `attention_${i}`), ...[1, 2, 3, 4].map((i) => `xyz_${i}`)]);
    expect([index.written, index.failed]).toEqual([5, 1]);
    expect(index.clouds.map((c) => c.source)).toEqual(files);
    expect(index.clouds.map((c) => c.name)).toEqual(['bunny', 'helix_201', undefined, 'icosahedron', 'bathtub_0002', 'diamond']);
    expect(index.clouds[2]).toEqual({ source: join(dir, 'broken.ply'), error: expect.stringMatching(/broken\.ply: PLY .*header claims 10 vertices/) });

    const worst = await checkAgainstSingleRuns(bytes, out, index, false);
    for (const c of index.clouds.filter((e) => !e.error)) expect(c.predictedLabel).toBe(classNames[c.predictedClass!]);
    console.log(`batch script vs one-cloud runs (PCT export, batches of 2): max error ${worst.toExponential(2)}`);
    expect(worst).toBeLessThanOrEqual(1e-5);
    // The attention layers work on the last grouping stage's 11 FPS centres; xyz_1 gives them.
    expect(readNpy(join(out, 'bunny.xyz_1.npy')).shape).toEqual([11, 3]);
    expect(readNpy(join(out, 'bunny.attention_1.npy')).shape).toEqual([11, 11]);
  });

  it("a user's channels-first model with a fixed batch size of 2: the last batch is padded, its padding dropped, and names that clash get -2", async () => {
    // Pin the batch axis of the torch.onnx.export model to 2 (as a Triton-style static export would).
    const { onnx } = onnxProto;
    const proto = onnx.ModelProto.decode(readFileSync(USER_MODEL));
    proto.graph!.input![0]!.type!.tensorType!.shape!.dim![0] = onnx.TensorShapeProto.Dimension.create({ dimValue: 2 });
    const fixed = join(dir, 'user-fixed-batch.onnx');
    writeFileSync(fixed, onnx.ModelProto.encode(proto).finish());
    const out = join(dir, 'user-maps');
    const files = [GOOD[0]!, GOOD[1]!, join(CLOUDS, 'bunny.ply')];
    const { code, stderr } = await script(fixed, out, ...files, '--batch', '5', '--points', '32');
    expect(code, stderr).toBe(0);
    const index = JSON.parse(readFileSync(join(out, 'index.json'), 'utf8')) as Index;
    expect(index.input).toEqual({ name: 'points', layout: 'channels-first', points: 32 });
    expect(index.batch).toBe(2);
    expect(index.outputs).toEqual(['logits', 'attention_sa1', 'attention_sa2', 'attention_heads']);
    expect(index.attentionQueries).toBe('rows'); // no metadata: the default
    expect(index.clouds.every((c) => c.predictedLabel === undefined)).toBe(true);
    expect(index.clouds.map((c) => c.name)).toEqual(['bunny', 'helix_201', 'bunny-2']);
    const worst = await checkAgainstSingleRuns(new Uint8Array(readFileSync(USER_MODEL)), out, index, true);
    console.log(`batch script vs one-cloud runs (user channels-first model, fixed batch 2): max error ${worst.toExponential(2)}`);
    expect(worst).toBeLessThanOrEqual(1e-5);
    expect(readNpy(join(out, 'bunny-2.attention_heads.npy')).shape).toEqual([2, 32, 32]);
  });

  it('refuses bad arguments and a file that is not a model with a message and exit code 1', async () => {
    const usage = await script(USER_MODEL, join(dir, 'x'));
    expect(usage).toMatchObject({ code: 1, stderr: expect.stringMatching(/expected a model, an output folder and at least one cloud file\nusage: /) });
    const batch = await script(USER_MODEL, join(dir, 'x'), GOOD[0]!, '--batch', 'many');
    expect(batch).toMatchObject({ code: 1, stderr: expect.stringMatching(/--batch: expected a positive integer, got "many"/) });
    const notModel = await script(GOOD[0]!, join(dir, 'x'), GOOD[1]!);
    expect(notModel).toMatchObject({ code: 1, stderr: expect.stringMatching(/bunny\.pcd: onnxruntime-node could not load the model: /) });
  });
});
