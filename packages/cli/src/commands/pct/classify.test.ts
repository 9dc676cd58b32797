import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { normalizeToUnitSphere, readPly } from '@heed/pointcloud-io';
import { writePointCloudFile } from '@heed/pointcloud-io/node';
import { prepareCloud } from '@heed/point-transformer';
import { readFileSync } from 'node:fs';
import type { ClassifyOutput } from './classify.js';
import { WEIGHTS_DIR_ENV } from './model-options.js';
import { CHECKPOINTS, cloudData, fixture, heed, maxAbs, tempDir, testData, writeFixtureCloud } from './test/harness.js';

let dir: string;
let cloud: string;
beforeAll(async () => {
  dir = tempDir();
  cloud = await writeFixtureCloud(dir);
});

const classify = async (...args: string[]) => {
  const r = await heed('classify', ...args, '--json');
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as ClassifyOutput;
};

describe('heed classify: parity with PyTorch through the CLI', () => {
  // Every engine: the default (auto → onnxruntime-node on the exported graph), tfjs-wasm and -cpu, onnxruntime-web's wasm.
  const cases = [
    ...CHECKPOINTS.map((file) => ({ file, backend: 'auto', ran: 'ort-node' })),
    ...['wasm', 'cpu', 'ort-wasm'].map((backend) => ({ file: CHECKPOINTS[0], backend, ran: backend })),
  ];
  it.for(cases)('$file on --backend $backend gives the PyTorch logits (max |Δ| ≤ 2e-4)', async ({ file, backend, ran }) => {
    const out = await classify(cloud, '--model', 'pct', '--weights', join(testData, file), '--no-normalize', '--backend', backend);
    const error = maxAbs(out.logits, fixture.logits);
    console.log(`heed classify ${file}: max |Δlogit| ${error.toExponential(2)} on ${out.backend} (${out.backendReason})`);
    expect(error).toBeLessThanOrEqual(2e-4);
    expect(out).toMatchObject({ classes: null, points: 1024, backend: ran });
    expect(out.backendReason).toMatch(backend === 'auto' ? /^auto: native onnxruntime/ : /^chosen on the command line/);
    const z = out.logits.reduce((a, l) => a + Math.exp(l), 0);
    expect(maxAbs(out.probabilities, out.logits.map((l) => Math.exp(l) / z))).toBeLessThan(1e-6);
  });
});

describe('preparation', () => {
  it('the fixture cloud is not unit-sphere normalised (hence --no-normalize for parity)', () => {
    const { scale, center } = normalizeToUnitSphere(Float32Array.from(fixture.points.data));
    expect(Math.abs(scale - 1) + Math.hypot(...center)).toBeGreaterThan(1e-3);
  });

  it('normalises exactly as @heed/pointcloud-io, and an already normalised cloud is fed unchanged', async () => {
    const raw = Float32Array.from(fixture.points.data);
    const ours = prepareCloud(raw).points;
    const theirs = normalizeToUnitSphere(raw).cloud.positions;
    expect(ours).toEqual(theirs);
    const normalised = join(dir, 'normalised.ply');
    await writePointCloudFile(normalised, { positions: theirs });
    const weights = join(testData, 'pct_reference.safetensors');
    const a = await classify(normalised, '--model', 'pct', '--weights', weights);
    const b = await classify(normalised, '--model', 'pct', '--weights', weights, '--no-normalize');
    expect(a.logits).toEqual(b.logits);
  });

  it('resamples a larger cloud to 1024 points and reports the input count', async () => {
    const file = join(cloudData, 'sphere.ply');
    const points = readPly(readFileSync(file)).cloud.positions.length / 3;
    const out = await classify(file, '--model', 'pct', '--weights', join(testData, 'pct_reference.safetensors'));
    expect(out.points).toBe(points);
    expect(out.logits).toHaveLength(10);
  });

  it('warns on stderr when the cloud has fewer points than the model takes', async () => {
    const small = join(dir, 'small.ply');
    await writePointCloudFile(small, { positions: Float32Array.from(fixture.points.data.slice(0, 3 * 600)) });
    const r = await heed('classify', small, '--model', 'pct', '--weights', join(testData, 'pct_reference.pth'), '--json');
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/^heed: warning: \S*small\.ply has 600 points, fewer than the model's 1024: some are repeated/);
    expect((JSON.parse(r.stdout) as ClassifyOutput).points).toBe(600);
  });
});

describe('weights and class names', () => {
  const names = Array.from({ length: 10 }, (_, i) => `shape-${i}`);

  it('takes the class names from a list beside the weights', async () => {
    const weights = join(dir, 'model.pth');
    copyFileSync(join(testData, 'pct_reference.pth'), weights);
    writeFileSync(join(dir, 'model.classes.json'), JSON.stringify(names));
    const out = await classify(cloud, '--model', 'pct', '--weights', weights, '--no-normalize');
    expect(out.classes).toEqual(names);
    const text = await heed('classify', cloud, '--model', 'pct', '--weights', weights, '--no-normalize');
    expect(text.stdout).toMatch(/1\. shape-0 +13\.0 %/);
  });

  it('uses the shipped weights when there are any ($HEED_WEIGHTS_DIR stands in for the package folder)', async () => {
    const shipped = tempDir();
    copyFileSync(join(testData, 'pct_reference.safetensors'), join(shipped, 'pct-classification.safetensors'));
    writeFileSync(join(shipped, 'pct-classification.classes.json'), JSON.stringify(names));
    process.env[WEIGHTS_DIR_ENV] = shipped;
    try {
      const out = await classify(cloud, '--model', 'pct', '--no-normalize');
      expect(out.classes).toEqual(names);
      expect(maxAbs(out.logits, fixture.logits)).toBeLessThanOrEqual(2e-4);
      const r = await heed('classify', cloud, '--model', 'spct');
      expect(r.status).toBe(1);
      expect(r.stderr).toBe('heed: no shipped weights for spct yet; pass --weights <checkpoint>\n');
    } finally {
      delete process.env[WEIGHTS_DIR_ENV];
    }
  });

  it('missing weights: exit 1 with one line', async () => {
    process.env[WEIGHTS_DIR_ENV] = tempDir();
    try {
      const r = await heed('classify', cloud, '--model', 'pct');
      expect(r).toEqual({ status: 1, stdout: '', stderr: 'heed: no shipped weights for pct yet; pass --weights <checkpoint>\n' });
    } finally {
      delete process.env[WEIGHTS_DIR_ENV];
    }
    const missing = await heed('classify', cloud, '--model', 'pct', '--weights', '/no/such/model.pth');
    expect(missing).toEqual({ status: 1, stdout: '', stderr: 'heed: /no/such/model.pth: no such weights file\n' });
    const wrong = await heed('classify', cloud, '--model', 'npct', '--weights', join(testData, 'pct_reference.pth'));
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toMatch(/^heed: \S+pct_reference\.pth: holds a pct model \(.*\), not npct\n$/);
  });

  it('usage mistakes exit 2', async () => {
    expect((await heed('classify', cloud)).status).toBe(2);
    expect((await heed('classify', cloud, '--model', 'pointnet')).status).toBe(2);
    expect((await heed('classify', cloud, '--model', 'pct', '--backend', 'gpu')).status).toBe(2);
  });
});
