import { readFileSync } from 'node:fs';
import { maxRelativeError } from '@heed/testing';
import { describe, expect, it } from 'vitest';
import { readOnnxModelInfo } from './model-info.js';
import { createOnnxSession, type OnnxEngine, type OnnxTensor } from './onnx-session.js';
import { findPointInput, pointTensor } from './point-input.js';

/**
 * Models a researcher wrote in PyTorch and exported with torch.onnx.export (not Heed's exporter),
 * with the outputs PyTorch computed for them: tools/fixtures/user_onnx_models.py.
 */
const TEST_DATA = new URL('../../test-data/', import.meta.url);

interface Flat {
  dims: number[];
  data: number[];
}
interface UserFixture {
  model: string;
  inputName: string;
  cases: { inputs: Record<string, Flat>; outputs: Record<string, Flat>; logitsFloat64: Flat }[];
}

const load = (name: string) => ({
  bytes: new Uint8Array(readFileSync(new URL(`${name}.onnx`, TEST_DATA))),
  fixture: JSON.parse(readFileSync(new URL(`${name}.expected.json`, TEST_DATA), 'utf8')) as UserFixture,
});

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

const MODELS = [
  {
    name: 'user-point-attention',
    outputs: ['logits', 'attention_sa1', 'attention_sa2', 'attention_heads'],
    attention: [{ name: 'attention_sa1' }, { name: 'attention_sa2' }, { name: 'attention_heads' }],
    input: { name: 'points', type: 'float32', dims: ['batch', 3, 'num_points'] },
    layout: 'channels-first',
  },
  {
    name: 'user-xyz-subsample',
    outputs: ['logits', 'attention_full', 'attention_down', 'xyz_down'],
    // attention_full is over the input points (no xyz_full); attention_down is over xyz_down's points.
    attention: [{ name: 'attention_full' }, { name: 'attention_down', points: 'xyz_down' }],
    input: { name: 'xyz', type: 'float32', dims: ['batch', 'num_points', 3] },
    layout: 'points-last',
  },
] as const;

const ENGINES: OnnxEngine[] = ['ort-node', 'ort-wasm'];

describe("a user's torch.onnx.export model", () => {
  describe.for(MODELS)('$name', (m) => {
    const { bytes, fixture } = load(m.name);

    it('readOnnxModelInfo gives the input torch declared, every output, and pairs attention maps with their points', () => {
      const info = readOnnxModelInfo(bytes, `${m.name}.onnx`);
      expect(info.producer).toMatch(/^pytorch /);
      expect(info.opset).toBe(17);
      expect(info.inputs).toEqual([m.input]);
      expect(info.outputs.map((o) => o.name)).toEqual(m.outputs);
      // torch names the dynamic batch axis as asked; the other output axes get names it makes up.
      for (const o of info.outputs) expect(o.dims?.[0]).toBe('batch');
      expect(info.outputs[0]).toEqual({ name: 'logits', type: 'float32', dims: ['batch', fixture.cases[0]!.outputs.logits!.dims[1]] });
      expect(info.attention).toEqual(m.attention);
      expect(info.attentionQueries).toBe('rows'); // no Heed metadata: the default
      const input = findPointInput(info, m.name);
      expect(input).toMatchObject({ name: m.input.name, layout: m.layout });
      expect(input.points).toBeUndefined(); // any N runs: torch exported the point axis as dynamic
    });

    it("pointTensor packs [N, 3] clouds into exactly the tensor PyTorch was given", () => {
      const input = findPointInput(readOnnxModelInfo(bytes, m.name), m.name);
      for (const c of fixture.cases) {
        const { dims, data } = c.inputs[m.input.name]!;
        const [batch, n] = m.layout === 'channels-first' ? [dims[0]!, dims[2]!] : [dims[0]!, dims[1]!];
        const clouds = Array.from({ length: batch }, (_, b) =>
          Float32Array.from({ length: n * 3 }, (_, k) => {
            const [i, axis] = [Math.floor(k / 3), k % 3];
            return m.layout === 'channels-first' ? data[b * 3 * n + axis * n + i]! : data[b * n * 3 + k]!;
          }),
        );
        const packed = pointTensor(input, clouds);
        expect(packed.dims).toEqual(dims);
        expect(Array.from(packed.data as Float32Array)).toEqual(Array.from(Float32Array.from(data)));
      }
    });

    it.for(ENGINES)('on %s: every output matches PyTorch within 1e-5 (|Δ| / max(1, |expected|)), for two batch and point counts', async (engine) => {
      const session = await createOnnxSession(bytes, { engine });
      expect(session.inputNames).toEqual([m.input.name]);
      expect(session.outputNames).toEqual(m.outputs);
      expect(session.attentionOutputs).toEqual(m.attention.map((a) => a.name));
      const errors: Record<string, number> = {};
      let logits64 = 0;
      for (const c of fixture.cases) {
        const feeds: Record<string, OnnxTensor> = {};
        for (const [name, t] of Object.entries(c.inputs)) feeds[name] = { data: Float32Array.from(t.data), dims: t.dims };
        const out = await session.run(feeds);
        expect(Object.keys(out).sort()).toEqual([...m.outputs].sort());
        for (const name of m.outputs) {
          const expected = c.outputs[name]!;
          expect(out[name]!.dims, name).toEqual(expected.dims);
          const got = out[name]!.data as Float32Array;
          expect(got.length).toBe(expected.data.length);
          errors[name] = Math.max(errors[name] ?? 0, maxRelativeError(got, expected.data));
        }
        logits64 = Math.max(logits64, maxAbs(out.logits!.data as Float32Array, c.logitsFloat64.data));
      }
      const report = Object.entries(errors).map(([name, e]) => `${name} ${e.toExponential(2)}`).join(', ');
      console.log(`${m.name} on ${engine}: max error vs PyTorch float32 — ${report}; max |Δlogits| vs PyTorch float64 ${logits64.toExponential(2)}`);
      for (const [name, e] of Object.entries(errors)) expect(e, name).toBeLessThanOrEqual(1e-5);
      expect(logits64).toBeLessThanOrEqual(1e-5);
      await session.release();
    });
  });

  it('the attention maps are real attention: softmax rows sum to 1, and the subsample map is over xyz_down’s points', async () => {
    const { bytes, fixture } = load('user-xyz-subsample');
    const session = await createOnnxSession(bytes, { engine: 'ort-node' });
    const c = fixture.cases[0]!;
    const xyz = c.inputs.xyz!;
    const out = await session.run({ xyz: { data: Float32Array.from(xyz.data), dims: xyz.dims } });
    const [batch, n] = xyz.dims as [number, number];
    const s = out.xyz_down!.dims[1]!;
    expect(out.attention_down!.dims).toEqual([batch, s, s]);
    expect(out.attention_full!.dims).toEqual([batch, n, n]);
    // xyz_down is every 4th input point, as the model's xyz[:, ::4] says.
    const down = out.xyz_down!.data as Float32Array;
    for (let b = 0; b < batch; b++) {
      for (let i = 0; i < s; i++) {
        for (let k = 0; k < 3; k++) expect(down[(b * s + i) * 3 + k]).toBe(Math.fround(xyz.data[(b * n + 4 * i) * 3 + k]!));
      }
    }
    for (const [name, size] of [['attention_full', n], ['attention_down', s]] as const) {
      const a = out[name]!.data as Float32Array;
      for (let row = 0; row < a.length / size; row++) {
        let sum = 0;
        for (let j = 0; j < size; j++) sum += a[row * size + j]!;
        expect(Math.abs(sum - 1)).toBeLessThan(1e-5);
      }
    }
    await session.release();
  });
});

describe('a corrupt or truncated .onnx', () => {
  const { bytes } = load('user-point-attention');
  const broken: [string, Uint8Array][] = [
    ['cut in half', bytes.subarray(0, bytes.length >> 1)],
    ['missing its last 5 bytes', bytes.subarray(0, bytes.length - 5)],
    ['cut inside the header', bytes.subarray(0, 10)],
    ['a JSON file', new TextEncoder().encode('{"logits": [0.1, 0.2]}\n')],
  ];

  it.for(broken)('%s: readOnnxModelInfo names the file and says it is not an ONNX model', ([, b]) => {
    expect(() => readOnnxModelInfo(b, 'models/mine.onnx')).toThrow(/^models\/mine\.onnx: not an ONNX model \(/);
  });

  it.for(ENGINES.flatMap((engine) => broken.map(([what, b]) => [engine, what, b] as const)))(
    'on %s, %s: createOnnxSession says onnxruntime could not load the model',
    async ([engine, , b]) => {
      await expect(createOnnxSession(b, { engine })).rejects.toThrow(new RegExp(`^onnxruntime \\(${engine}\\) could not load the model: .+`));
    },
  );
});
