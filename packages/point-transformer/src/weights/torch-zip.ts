import { unzipSync } from 'fflate';
import type { HostDType, HostTensor, StateDict } from '../nn/host-tensor.js';
import { numel } from '../nn/host-tensor.js';
import { PickleGlobal, type PickleValue, readPickle } from './pickle.js';
import { copyTyped } from './typed-bytes.js';

const STORAGES: Record<string, { dtype: HostDType; bytes: number }> = {
  'torch.FloatStorage': { dtype: 'float32', bytes: 4 },
  'torch.DoubleStorage': { dtype: 'float64', bytes: 8 },
  'torch.LongStorage': { dtype: 'int64', bytes: 8 },
  'torch.IntStorage': { dtype: 'int32', bytes: 4 },
};

/** A storage referenced by the pickle: `<archive>/data/<key>` and its element type. */
interface StorageRef {
  key: string;
  dtype: HostDType;
  itemBytes: number;
  numel: number;
}

/** A tensor described by `_rebuild_tensor_v2`, materialised once its state-dict key is known. */
class TensorRef {
  constructor(readonly storage: StorageRef, readonly offset: number, readonly size: number[], readonly stride: number[]) {}
}

/** Options of {@link readTorchZip}. */
export interface TorchZipOptions {
  /** Names the file in errors, e.g. 'model.t7'. */
  fileName?: string;
}

/**
 * Reads the state dict from a checkpoint written by `torch.save` (PyTorch ≥ 1.6 zip format:
 * `<archive>/data.pkl` plus raw storages `<archive>/data/<key>`), e.g. the reference port's
 * `.t7` / `.pth` files. `data.pkl` is parsed by a restricted reader that executes nothing
 * (collections.OrderedDict, torch._utils._rebuild_tensor_v2 / _rebuild_parameter, and
 * Float/Double/Long/Int storages only). Tensors must be contiguous; float32, float64, int64 and
 * int32 are supported. A checkpoint that wraps its state dict (`{'model_state_dict': …}`,
 * `{'state_dict': …}`, `{'model': …}`) is unwrapped. No Node APIs: ArrayBuffer in.
 *
 * @example
 * ```ts
 * const sd = readTorchZip(new Uint8Array(await file.arrayBuffer()), { fileName: file.name });
 * ```
 */
export function readTorchZip(buffer: ArrayBuffer | Uint8Array, options: TorchZipOptions = {}): StateDict {
  const file = options.fileName ?? 'checkpoint';
  const bytes = buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer);
  if (bytes[0] === 0x80 && bytes[1] === 0x02) {
    throw new Error(`${file}: a legacy (pre-1.6, non-zip) torch.save file; re-save it with torch.save(state_dict, path) on PyTorch ≥ 1.6`);
  }
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes);
  } catch (e) {
    throw new Error(`${file}: not a readable torch.save zip archive (truncated or corrupt?): ${(e as Error).message}`);
  }
  const pickles = Object.keys(entries).filter((name) => /^[^/]+\/data\.pkl$/.test(name));
  if (pickles.length !== 1) {
    throw new Error(`${file}: expected exactly one <archive>/data.pkl in the zip, found ${pickles.length ? pickles.join(', ') : 'none'}`);
  }
  const prefix = pickles[0]!.slice(0, -'data.pkl'.length);
  const storages = new Map<string, StorageRef>();
  const persistentLoad = (pid: PickleValue): StorageRef => {
    const p = pid as PickleValue[];
    if (!Array.isArray(p) || p[0] !== 'storage' || !(p[1] instanceof PickleGlobal) || typeof p[2] !== 'string') {
      throw new Error(`${file}: data.pkl: unexpected persistent id ${describe(pid)} (expected ('storage', type, key, location, numel))`);
    }
    const spec = STORAGES[p[1].qualified];
    if (!spec) throw new Error(`${file}: storage ${p[2]}: unsupported type ${p[1].qualified}`);
    const ref = { key: p[2], dtype: spec.dtype, itemBytes: spec.bytes, numel: Number(p[4]) };
    if (!storages.has(ref.key)) storages.set(ref.key, ref);
    return storages.get(ref.key)!;
  };
  const rebuildTensor = (storage: PickleValue, offset: PickleValue, size: PickleValue, stride: PickleValue): TensorRef => {
    if (!isStorage(storage) || typeof offset !== 'number' || !isIntList(size) || !isIntList(stride) || size.length !== stride.length) {
      throw new Error(`${file}: data.pkl: _rebuild_tensor_v2 got unexpected arguments`);
    }
    return new TensorRef(storage, offset, size, stride);
  };
  const root = readPickle(entries[pickles[0]!]!, {
    source: `${file}: ${pickles[0]}`,
    globals: {
      'collections.OrderedDict': () => new Map(),
      'torch._utils._rebuild_tensor_v2': rebuildTensor,
      'torch._utils._rebuild_parameter': (data) => data,
    },
    markers: Object.keys(STORAGES),
    persistentLoad,
  });
  const dict = unwrapStateDict(root, file);
  const out: StateDict = new Map();
  for (const [key, value] of dict) {
    if (typeof key !== 'string') throw new Error(`${file}: state dict has a non-string key ${describe(key)}`);
    if (!(value instanceof TensorRef)) throw new Error(`${file}: ${key}: expected a tensor, got ${describe(value)}`);
    out.set(key, materialise(value, key, file, entries, prefix));
  }
  return out;
}

function materialise(t: TensorRef, key: string, file: string, entries: Record<string, Uint8Array>, prefix: string): HostTensor {
  const path = `${prefix}data/${t.storage.key}`;
  const raw = entries[path];
  if (!raw) throw new Error(`${file}: ${key}: storage ${path} is missing from the archive`);
  const count = numel(t.size);
  let expected = 1;
  for (let d = t.size.length - 1; d >= 0; d--) {
    if (t.size[d] !== 1 && t.stride[d] !== expected) {
      throw new Error(`${file}: ${key}: only contiguous tensors are supported, got size [${t.size}] stride [${t.stride}]`);
    }
    expected *= t.size[d]!;
  }
  const begin = t.offset * t.storage.itemBytes, length = count * t.storage.itemBytes;
  if (begin + length > raw.length) {
    throw new Error(`${file}: ${key}: truncated: ${t.storage.dtype} [${t.size}] at element ${t.offset} needs bytes ${begin}..${begin + length} of ${path}, which has ${raw.length}`);
  }
  return { dtype: t.storage.dtype, shape: [...t.size], data: copyTyped(raw, begin, length, t.storage.dtype) };
}

/** The state dict itself, or the one a training checkpoint wraps. */
function unwrapStateDict(root: PickleValue, file: string): Map<PickleValue, PickleValue> {
  if (!(root instanceof Map)) throw new Error(`${file}: expected a state dict (an OrderedDict of tensors), got ${describe(root)}`);
  const hasTensors = [...root.values()].some((v) => v instanceof TensorRef);
  if (hasTensors) return root;
  for (const wrapper of ['model_state_dict', 'state_dict', 'model']) {
    const inner = root.get(wrapper);
    if (inner instanceof Map) return inner;
  }
  throw new Error(`${file}: no tensors found (keys: ${[...root.keys()].slice(0, 8).map(String).join(', ')})`);
}

function isStorage(x: PickleValue): x is StorageRef {
  return typeof x === 'object' && x !== null && 'itemBytes' in x;
}

function isIntList(x: PickleValue): x is number[] {
  return Array.isArray(x) && x.every((d) => Number.isSafeInteger(d) && (d as number) >= 0);
}

function describe(x: PickleValue): string {
  if (x instanceof Map) return 'a dict';
  if (Array.isArray(x)) return `a tuple of ${x.length}`;
  if (x instanceof PickleGlobal) return x.qualified;
  return JSON.stringify(x) ?? String(x);
}
