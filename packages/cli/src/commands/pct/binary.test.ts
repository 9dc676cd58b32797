/** `heed classify` / `heed attention` through the built binary (dist/bin.js): parity, exit codes, one-line errors. */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AttentionOutput } from './attention.js';
import type { ClassifyOutput } from './classify.js';
import { WEIGHTS_DIR_ENV } from './model-options.js';
import { fixture, heedBinary, inputIndexOfCentre, maxAbs, tempDir, testData, writeFixtureCloud } from './test/harness.js';

let cloud: string;
beforeAll(async () => {
  cloud = await writeFixtureCloud(tempDir());
});

describe('the heed binary', () => {
  it('registers classify, attention, export and run-onnx (bin.ts wires registerPctCommands and registerOnnxCommands)', () => {
    const help = heedBinary('--help');
    for (const command of ['classify', 'attention', 'export', 'run-onnx']) expect(help.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
  });

  it('classify --json: the PyTorch checkpoint gives the PyTorch logits', () => {
    const r = heedBinary('classify', cloud, '--model', 'pct', '--weights', join(testData, 'pct_reference.pth'), '--no-normalize', '--json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as ClassifyOutput;
    expect(Object.keys(out)).toEqual(['logits', 'probabilities', 'classes', 'points', 'backend', 'backendReason']);
    expect(maxAbs(out.logits, fixture.logits)).toBeLessThanOrEqual(2e-4);
    expect(out).toMatchObject({ classes: null, points: 1024, backend: 'ort-node' });
  });

  it('attention --json: the PyTorch attention column of a fixture query', () => {
    const qi = 1, layer = 3;
    const r = heedBinary('attention', cloud, '--model', 'pct', '--weights', join(testData, 'pct_reference.safetensors'), '--no-normalize',
      '--layer', String(layer), '--query', String(inputIndexOfCentre(fixture.queries[qi]!)), '--json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as AttentionOutput;
    expect(maxAbs(out.weights, fixture.attention[layer - 1]!.columns[qi]!)).toBeLessThanOrEqual(1e-4);
    expect(maxAbs(out.xyz.flat(), fixture.centresXyz)).toBe(0);
  });

  it('classify --backend webgpu (Dawn; SwiftShader when there is no GPU) gives the cpu logits of the shipped model', () => {
    // A real WebGPU run: a missing adapter fails here (exit 1, "no usable WebGPU adapter"), it never skips.
    const run = (backend: string) => {
      const r = heedBinary('classify', cloud, '--model', 'pct', '--backend', backend, '--json');
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      return JSON.parse(r.stdout) as ClassifyOutput;
    };
    const gpu = run('webgpu'), cpu = run('cpu');
    expect(gpu).toMatchObject({ backend: 'webgpu', backendReason: 'chosen on the command line' });
    const error = maxAbs(gpu.logits, cpu.logits);
    console.log(`heed classify --backend webgpu vs cpu (shipped pct): max |Δlogit| ${error.toExponential(2)}`);
    expect(error).toBeLessThanOrEqual(1e-4);
  }, 300_000);

  it('exits 1 with one line when there are no weights, 2 on a bad layer', () => {
    const none = heedBinary('classify', cloud, '--model', 'pct', { [WEIGHTS_DIR_ENV]: tempDir() });
    expect(none).toEqual({ status: 1, stdout: '', stderr: 'heed: no shipped weights for pct yet; pass --weights <checkpoint>\n' });
    const layer = heedBinary('attention', cloud, '--model', 'pct', '--weights', join(testData, 'pct_reference.pth'), '--layer', '9', '--query', '0');
    expect(layer).toEqual({ status: 2, stdout: '', stderr: 'heed: --layer 9: pct has attention layers 1–4\n' });
  });
});
