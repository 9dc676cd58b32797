import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readPly } from '@heed/pointcloud-io';
import type { AttentionOutput } from './attention.js';
import { cloudData, fixture, heed, inputIndexOfCentre, maxAbs, tempDir, testData, writeFixtureCloud } from './test/harness.js';

let dir: string;
let cloud: string;
beforeAll(async () => {
  dir = tempDir();
  cloud = await writeFixtureCloud(dir);
});

const attention = async (weights: string, layer: number, query: number, ...more: string[]) => {
  const r = await heed('attention', cloud, '--model', 'pct', '--weights', join(testData, weights), '--no-normalize', '--layer', String(layer), '--query', String(query), '--json', ...more);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as AttentionOutput;
};

describe('heed attention: parity with PyTorch through the CLI', () => {
  // The .pth for every layer and query of the fixture on the default engine (auto: onnxruntime on the
  // exported graph); the safetensors (same weights) for one query per layer on tfjs-wasm.
  const cases = [
    ...[1, 2, 3, 4].flatMap((layer) => fixture.queries.map((_, qi) => ({ file: 'pct_reference.pth', layer, qi, backend: 'auto' }))),
    ...[1, 2, 3, 4].map((layer) => ({ file: 'pct_reference.safetensors', layer, qi: layer - 1, backend: 'wasm' })),
  ];

  it('gives the PyTorch attention columns (max |Δ| ≤ 1e-4) and the centres as xyz', async () => {
    let worst = 0;
    for (const { file, layer, qi, backend } of cases) {
      const q = fixture.queries[qi]!;
      const input = inputIndexOfCentre(q);
      const out = await attention(file, layer, input, '--backend', backend);
      expect(out).toMatchObject({ layer, query: input, queryPoint: q, name: fixture.attention[layer - 1]!.name });
      // --no-normalize: the layer's points are the fixture centres exactly, in the input's coordinates.
      expect(maxAbs(out.xyz.flat(), fixture.centresXyz)).toBe(0);
      const error = maxAbs(out.weights, fixture.attention[layer - 1]!.columns[qi]!);
      expect(error, `${file} on ${backend}, layer ${layer} query ${q}`).toBeLessThanOrEqual(1e-4);
      worst = Math.max(worst, error);
    }
    console.log(`heed attention: ${cases.length} (checkpoint, layer, query) cases, max |Δattention| ${worst.toExponential(2)}`);
  });
});

describe('heed attention on a scanned cloud', () => {
  const scan = join(cloudData, 'sphere.ply');
  const input = readPly(readFileSync(scan)).cloud;
  const n = input.positions.length / 3;

  it('maps the query into the normalised frame and reports xyz in the original coordinates', async () => {
    const r = await heed('attention', scan, '--model', 'pct', '--weights', join(testData, 'pct_reference.safetensors'), '--layer', '1', '--query', '100', '--json');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as AttentionOutput;
    expect(out.xyz).toHaveLength(256);
    expect(out.weights).toHaveLength(256);
    // The layer's points are input points (FPS centres), so they lie in the input's bounding box…
    const { min, max } = input.bounds!;
    for (const p of out.xyz) {
      p.forEach((v, k) => {
        expect(v).toBeGreaterThanOrEqual(min[k]! - 1e-4);
        expect(v).toBeLessThanOrEqual(max[k]! + 1e-4);
      });
    }
    // …and the query point is the one nearest the input point.
    const at = [0, 1, 2].map((k) => input.positions[300 + k]!);
    const d = out.xyz.map((p) => Math.hypot(p[0] - at[0]!, p[1] - at[1]!, p[2] - at[2]!));
    expect(d[out.queryPoint]).toBeCloseTo(Math.min(...d), 4);
  });

  it('--out writes the whole input cloud coloured by attention, with an attention property', async () => {
    const out = join(dir, 'colored.ply');
    const r = await heed('attention', scan, '--model', 'pct', '--weights', join(testData, 'pct_reference.pth'), '--layer', '2', '--query', '7', '--out', out, '--colormap', 'turbo', '--json');
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/^heed: wrote \S*colored\.ply \(2929 points coloured by attention, turbo\)\n$/);
    const json = JSON.parse(r.stdout) as AttentionOutput;
    const { cloud: colored } = readPly(readFileSync(out));
    expect(colored.positions.length / 3).toBe(n);
    expect(colored.positions).toEqual(input.positions);
    const colors = colored.colors!;
    expect(colors).toBeInstanceOf(Uint8Array);
    const distinct = new Set(Array.from({ length: n }, (_, i) => `${colors[3 * i]},${colors[3 * i + 1]},${colors[3 * i + 2]}`));
    expect(distinct.size).toBeGreaterThan(1);
    const values = colored.fields!.attention!;
    expect(values).toHaveLength(n);
    expect(new Set(values).size).toBeGreaterThan(1);
    // The query's own neighbourhood carries the largest weight: turbo's last colour.
    const top = values.indexOf(Math.max(...values));
    expect(Math.max(...values)).toBeCloseTo(Math.max(...json.weights), 6);
    expect(Array.from(colors.subarray(3 * top, 3 * top + 3))).toEqual([0x7a, 0x04, 0x03]);
  });

  it('bad layer or query numbers exit 2 with a clear message', async () => {
    const run = (layer: string, query: string) => heed('attention', scan, '--model', 'pct', '--weights', join(testData, 'pct_reference.pth'), '--layer', layer, '--query', query);
    const cases: [string, string, RegExp][] = [
      ['5', '0', /^heed: --layer 5: pct has attention layers 1–4\n$/],
      ['0', '0', /^heed: --layer: expected a positive integer, got "0"\n$/],
      ['two', '0', /^heed: --layer: expected a positive integer, got "two"\n$/],
      ['1', String(n), new RegExp(`^heed: --query ${n}: \\S*sphere\\.ply has ${n} points \\(0–${n - 1}\\)\\n$`)],
      ['1', '-1', /^heed: --query: expected a non-negative integer, got "-1"\n$/],
      ['1', '1.5', /^heed: --query: expected a non-negative integer, got "1\.5"\n$/],
    ];
    for (const [layer, query, message] of cases) {
      const r = await run(layer, query);
      expect(r.status, `--layer ${layer} --query ${query}`).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
    }
    const missing = await heed('attention', scan, '--model', 'pct', '--layer', '1');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/required option '--query <I>'/);
    const colormap = await heed('attention', scan, '--model', 'pct', '--layer', '1', '--query', '0', '--colormap', 'jet');
    expect(colormap.status).toBe(2);
  });
});
