import type { HostDType, StateDict } from '../nn/host-tensor.js';
import { numel } from '../nn/host-tensor.js';
import { copyTyped } from './typed-bytes.js';

const DTYPES: Record<string, { dtype: HostDType; bytes: number }> = {
  F32: { dtype: 'float32', bytes: 4 },
  F64: { dtype: 'float64', bytes: 8 },
  I64: { dtype: 'int64', bytes: 8 },
  I32: { dtype: 'int32', bytes: 4 },
};
const NAMES: Record<HostDType, string> = { float32: 'F32', float64: 'F64', int64: 'I64', int32: 'I32' };

/** Options of {@link readSafetensors}. */
export interface SafetensorsReadOptions {
  /** Names the file in errors. */
  fileName?: string;
}

/**
 * Parses a safetensors file: an 8-byte little-endian header length, a JSON header
 * `{ name: { dtype, shape, data_offsets: [begin, end] }, __metadata__? }`, then the raw
 * little-endian tensor bytes. Supports F32, F64, I64, I32. Every offset and size is checked;
 * errors name the file, the key and what was expected. No Node APIs: ArrayBuffer in.
 *
 * @example
 * ```ts
 * const sd = readSafetensors(await (await fetch('pct.safetensors')).arrayBuffer(), { fileName: 'pct.safetensors' });
 * sd.get('linear3.weight')!.shape; // [40, 256]
 * ```
 */
export function readSafetensors(buffer: ArrayBuffer | Uint8Array, options: SafetensorsReadOptions = {}): StateDict {
  const file = options.fileName ?? 'safetensors';
  const bytes = buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer);
  if (bytes.byteLength < 8) throw new Error(`${file}: truncated: expected an 8-byte header length, the file has ${bytes.byteLength} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > bytes.byteLength - 8) {
    throw new Error(`${file}: truncated or not safetensors: header length ${headerLength} exceeds the ${bytes.byteLength - 8} bytes after it`);
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength))) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`${file}: header is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new Error(`${file}: header must be a JSON object`);
  const dataStart = 8 + headerLength;
  const dataLength = bytes.byteLength - dataStart;
  const out: StateDict = new Map();
  for (const [key, info] of Object.entries(header)) {
    if (key === '__metadata__') continue;
    const { dtype, shape, data_offsets: offsets } = (info ?? {}) as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const spec = typeof dtype === 'string' ? DTYPES[dtype] : undefined;
    if (!spec) throw new Error(`${file}: ${key}: unsupported dtype ${JSON.stringify(dtype)} (expected F32, F64, I64 or I32)`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new Error(`${file}: ${key}: shape must be a list of non-negative integers, got ${JSON.stringify(shape)}`);
    }
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
      throw new Error(`${file}: ${key}: data_offsets must be [begin, end], got ${JSON.stringify(offsets)}`);
    }
    const [begin, end] = offsets as [number, number];
    const expected = numel(shape as number[]) * spec.bytes;
    if (end - begin !== expected) {
      throw new Error(`${file}: ${key}: ${dtype} [${shape}] needs ${expected} bytes, data_offsets [${begin}, ${end}] give ${end - begin}`);
    }
    if (end > dataLength) throw new Error(`${file}: ${key}: truncated: data ends at byte ${end}, but the data section has ${dataLength} bytes`);
    out.set(key, { dtype: spec.dtype, shape: [...(shape as number[])], data: copyTyped(bytes, dataStart + begin, expected, spec.dtype) });
  }
  return out;
}

/**
 * Serialises tensors as safetensors (keys sorted, 8-byte aligned header, little-endian data), e.g.
 * `saveSafetensors(model.stateDict())`. Returns the file's bytes.
 *
 * @example
 * ```ts
 * const bytes = writeSafetensors(model.stateDict(), { format: 'pt' });
 * readSafetensors(bytes).size; // same keys
 * ```
 */
export function writeSafetensors(tensors: StateDict, metadata: Record<string, string> = {}): Uint8Array {
  const keys = [...tensors.keys()].sort();
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  for (const key of keys) {
    const t = tensors.get(key)!;
    if (t.data.length !== numel(t.shape)) throw new Error(`writeSafetensors: ${key}: shape [${t.shape}] has ${numel(t.shape)} elements, data ${t.data.length}`);
    header[key] = { dtype: NAMES[t.dtype], shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + new TextEncoder().encode(json).length) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const key of keys) {
    const t = tensors.get(key)!;
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    at += t.data.byteLength;
  }
  return out;
}
