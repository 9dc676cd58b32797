import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '@heed/testing';
import { createPCT } from '../model/pct-model.js';
import { readPickle } from './pickle.js';
import { readSafetensors, writeSafetensors } from './safetensors.js';
import { readTorchZip } from './torch-zip.js';
import { loadReferenceCheckpoint, readCheckpoint, saveSafetensors } from './checkpoint.js';
import { checkpointBytes } from '../test/reference-fixture.js';
import type { HostTensor, StateDict } from '../nn/host-tensor.js';

const caseFile = (name: string) => new Uint8Array(readFileSync(new URL(`../../test-data/cases/${name}`, import.meta.url)));
const tinyStages = [{ numSamples: 16, k: 4 }, { numSamples: 8, k: 4 }];
const values = (sd: StateDict, key: string) => Array.from(sd.get(key)!.data as ArrayLike<number | bigint>, Number);
/** dtype, shape and bytes equal (vitest's deep equality is slow on million-element arrays). */
const same = (a: HostTensor | undefined, b: HostTensor | undefined) =>
  a !== undefined && b !== undefined && a.dtype === b.dtype && a.shape.join() === b.shape.join()
  && Buffer.compare(Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength), Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength)) === 0;

beforeAll(() => useBackend('cpu'));

describe('restricted pickle reader', () => {
  it('reads protocol-2 data', () => {
    // pickle.dumps({'a': 1, 'b': (True, None, -5, 70000, 2.5)}, protocol=2)
    const bytes = Uint8Array.from([0x80, 2, 0x7d, 0x71, 0, 0x28, 0x58, 1, 0, 0, 0, 0x61, 0x71, 1, 0x4b, 1, 0x58, 1, 0, 0, 0, 0x62, 0x71, 2,
      0x28, 0x88, 0x4e, 0x4a, 0xfb, 0xff, 0xff, 0xff, 0x4a, 0x70, 0x11, 0x01, 0, 0x47, 0x40, 0x04, 0, 0, 0, 0, 0, 0, 0x74, 0x71, 3, 0x75, 0x2e]);
    expect(readPickle(bytes, { globals: {} })).toEqual(new Map<string, unknown>([['a', 1], ['b', [true, null, -5, 70000, 2.5]]]));
  });

  it('refuses globals that are not allow-listed, without calling anything', () => {
    const evil = Uint8Array.from('\x80\x02cposix\nsystem\nq\x00X\x02\x00\x00\x00lsq\x01\x85q\x02Rq\x03.', (c) => c.charCodeAt(0));
    expect(() => readPickle(evil, { globals: { 'collections.OrderedDict': () => new Map() }, source: 'evil.pkl' }))
      .toThrow(/evil\.pkl: refusing global 'posix\.system' \(allowed: collections\.OrderedDict\) \(at byte 2\)/);
  });

  it('refuses opcodes outside the data subset', () => {
    // STACK_GLOBAL (0x93), INST ('i'), OBJ ('o'), EXT1 (0x82)
    for (const op of [0x93, 0x69, 0x6f, 0x82]) {
      expect(() => readPickle(Uint8Array.from([0x80, 2, op, 0x2e]), { globals: {} })).toThrow(/unsupported pickle opcode 0x[0-9a-f]{2}.* \(at byte 2\)/);
    }
  });

  it('reports truncation', () => {
    expect(() => readPickle(Uint8Array.from([0x80, 2, 0x58, 9, 0, 0, 0, 0x61]), { globals: {}, source: 'x.pkl' })).toThrow(/x\.pkl: truncated: expected 9 more byte/);
  });
});

describe('torch.save zip reader', () => {
  it('reads dtypes, storage offsets, 0-d tensors and shared storages', () => {
    const sd = readTorchZip(caseFile('dtypes.pth'), { fileName: 'dtypes.pth' });
    expect([...sd.keys()]).toEqual(['f32', 'f32_again', 'f64_offset', 'i64', 'scalar']);
    expect(sd.get('f32')).toMatchObject({ dtype: 'float32', shape: [2, 3] });
    expect(values(sd, 'f32')).toEqual([0, 1, 2, 3, 4, 5]);
    expect(values(sd, 'f32_again')).toEqual([0, 1, 2, 3, 4, 5]);
    expect(sd.get('f64_offset')).toMatchObject({ dtype: 'float64', shape: [3] });
    expect(values(sd, 'f64_offset')).toEqual([2, 3, 4]);
    expect(sd.get('i64')!.dtype).toBe('int64');
    expect(values(sd, 'i64')).toEqual([1, -2, 3]);
    expect(sd.get('scalar')).toMatchObject({ shape: [], dtype: 'int64' });
    expect(values(sd, 'scalar')).toEqual([7]);
  });

  it('unwraps a training checkpoint', () => {
    expect([...readCheckpoint(caseFile('wrapped.pth'), { fileName: 'wrapped.pth' }).keys()]).toEqual(['module.w']);
  });

  it('refuses hostile, non-contiguous, legacy and truncated files with clear errors', () => {
    expect(() => readTorchZip(caseFile('hostile.pth'), { fileName: 'hostile.pth' })).toThrow(/hostile\.pth: .*data\.pkl: refusing global 'posix\.system'/);
    expect(() => readTorchZip(caseFile('noncontiguous.pth'), { fileName: 'nc.pth' })).toThrow(/nc\.pth: w: only contiguous tensors are supported, got size \[3,2\] stride \[1,3\]/);
    expect(() => readTorchZip(caseFile('legacy.pth'), { fileName: 'old.pth' })).toThrow(/old\.pth: a legacy \(pre-1\.6, non-zip\) torch\.save file/);
    const full = checkpointBytes('pct_reference.pth');
    expect(() => readCheckpoint(full.subarray(0, 5_000_000), { fileName: 'cut.pth' })).toThrow(/cut\.pth: not a readable torch\.save zip archive \(truncated or corrupt\?\)/);
  });
});

describe('safetensors', () => {
  it('round-trips every dtype', () => {
    const sd: StateDict = new Map([
      ['b', { dtype: 'float32', shape: [2, 2], data: Float32Array.of(1, 2, 3, 4.5) }],
      ['a', { dtype: 'int64', shape: [], data: BigInt64Array.of(-3n) }],
      ['c', { dtype: 'float64', shape: [1], data: Float64Array.of(Math.PI) }],
      ['d', { dtype: 'int32', shape: [3], data: Int32Array.of(1, -1, 7) }],
    ]);
    const bytes = writeSafetensors(sd, { note: 'x' });
    expect(Number(new DataView(bytes.buffer).getBigUint64(0, true)) % 8).toBe(0);
    const back = readSafetensors(bytes);
    for (const [k, t] of sd) expect(back.get(k), k).toEqual(t);
    // A view into a larger buffer (what Node's fs.readFileSync returns for small files: a slice
    // of a pooled buffer) reads the same.
    const padded = Buffer.alloc(bytes.length + 40, 0xab);
    padded.set(bytes, 24);
    const view = padded.subarray(24, 24 + bytes.length);
    const fromView = readSafetensors(view);
    for (const [k, t] of sd) expect(fromView.get(k), k).toEqual(t);
  });

  it('reports truncation and bad headers with the file and key', () => {
    const bytes = writeSafetensors(new Map([['w', { dtype: 'float32', shape: [4], data: new Float32Array(4) }]]));
    expect(() => readSafetensors(bytes.subarray(0, bytes.length - 1), { fileName: 'w.safetensors' }))
      .toThrow(/w\.safetensors: w: truncated: data ends at byte 16, but the data section has 15 bytes/);
    expect(() => readSafetensors(bytes.subarray(0, 20), { fileName: 'w.safetensors' })).toThrow(/w\.safetensors: truncated or not safetensors: header length/);
    expect(() => readSafetensors(bytes.subarray(0, 3), { fileName: 'w.safetensors' })).toThrow(/truncated: expected an 8-byte header length/);
    const json = '{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,16]}}';
    const bad = new Uint8Array(8 + json.length + 16);
    new DataView(bad.buffer).setBigUint64(0, BigInt(json.length), true);
    bad.set(new TextEncoder().encode(json), 8);
    expect(() => readSafetensors(bad, { fileName: 'b.safetensors' })).toThrow(/b\.safetensors: w: F32 \[3\] needs 12 bytes, data_offsets \[0, 16\] give 16/);
  });
});

describe('PCT weights', () => {
  it('saves Heed weights as safetensors under the reference names and loads them back', () => {
    const model = createPCT({ numClasses: 5, stages: tinyStages, seed: 3 });
    const bytes = saveSafetensors(model);
    const file = readSafetensors(bytes);
    expect(file.has('pt_last.sa1.q_conv.weight')).toBe(true);
    expect(file.has('pt_last.sa1.k_conv.weight')).toBe(false); // tied: stored once
    expect(file.get('bn1.num_batches_tracked')!.dtype).toBe('int64');
    const loaded = loadReferenceCheckpoint(bytes, { fileName: 'heed.safetensors', stages: tinyStages });
    const [a, b] = [model.stateDict(), loaded.stateDict()];
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [k, t] of a) expect(same(b.get(k), t), k).toBe(true);
    model.dispose();
    loaded.dispose();
  });

  it('names every tensor as the reference state dict does', () => {
    const model = createPCT({ numClasses: 10, seed: 1 });
    const shapes = Object.fromEntries([...model.stateDict()].map(([k, t]) => [k, t.shape]));
    const reference = readCheckpoint(checkpointBytes('pct_reference.pth'));
    const expected = Object.fromEntries([...reference].map(([k, t]) => [k.replace(/^module\./, ''), t.shape]));
    expect(shapes).toEqual(expected);
    expect(Object.keys(shapes)).toEqual(Object.keys(expected)); // same order, too
    model.dispose();
  });

  it('rejects wrong shapes, missing and unexpected keys, naming the file and key; the model stays unchanged', () => {
    const model = createPCT({ numClasses: 5, stages: tinyStages, seed: 3 });
    const before = model.stateDict();
    const sd = model.stateDict();
    sd.set('linear3.weight', { dtype: 'float32', shape: [4, 256], data: new Float32Array(1024) });
    sd.set('conv1.weight', { dtype: 'float32', shape: [64, 3, 1], data: new Float32Array(192).fill(9) });
    expect(() => model.loadStateDict(sd, { source: 'bad.pth' })).toThrow(/bad\.pth: linear3\.weight: expected shape \[5,256\], got \[4,256\]/);
    expect(same(model.stateDict().get('conv1.weight'), before.get('conv1.weight'))).toBe(true);
    const missing = model.stateDict();
    missing.delete('pt_last.sa2.q_conv.weight');
    missing.delete('pt_last.sa2.k_conv.weight');
    expect(() => model.loadStateDict(missing, { source: 'm.pth' })).toThrow(/m\.pth: missing key pt_last\.sa2\.q_conv\.weight \(or pt_last\.sa2\.k_conv\.weight\)/);
    const extra = model.stateDict();
    extra.set('module.unknown', { dtype: 'float32', shape: [1], data: new Float32Array(1) });
    expect(() => model.loadStateDict(extra, { source: 'e.pth' })).toThrow(/e\.pth: unexpected keys: unknown/);
    model.loadStateDict(extra, { strict: false });
    model.dispose();
  });

  it('reads both reference formats to identical tensors (safetensors holds one of each tied pair)', () => {
    const pth = readCheckpoint(checkpointBytes('pct_reference.pth'), { fileName: 'pct_reference.pth' });
    const st = readCheckpoint(checkpointBytes('pct_reference.safetensors'), { fileName: 'pct_reference.safetensors' });
    expect(pth.size).toBe(st.size + 4);
    for (const [k, t] of st) expect(same(pth.get(`module.${k}`), t), k).toBe(true);
    expect(same(pth.get('module.pt_last.sa1.q_conv.weight'), pth.get('module.pt_last.sa1.k_conv.weight'))).toBe(true);
  });
});
