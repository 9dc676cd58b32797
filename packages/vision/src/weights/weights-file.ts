/**
 * The weight-file format of @heed/vision: one JSON document holding the architecture, the tensor
 * table and the float32 values (little-endian) as base64. JSON so that bundlers import it as a
 * module and Node reads it with `JSON.parse`, no binary fetch or file API needed.
 */
import * as tf from '@tensorflow/tfjs-core';
import { type CbamCnnConfig, cbamCnnFromParameters } from '../models/cbam-cnn.js';
import type { ParameterMap } from '../models/parameters.js';
import { type TinyVitConfig, tinyVitFromParameters } from '../models/tiny-vit.js';
import type { VisionModel, VisionModelKind } from '../models/vision-model.js';
import { base64ToBytes, bytesToBase64 } from './base64.js';

/** A serialised model. */
export interface VisionWeightsFile {
  format: 'heed-vision-weights';
  version: 1;
  kind: VisionModelKind;
  config: CbamCnnConfig | TinyVitConfig;
  /** Tensors in storage order; values are consecutive in `data`. */
  tensors: { name: string; shape: number[] }[];
  /** Float32 little-endian values, base64. */
  data: string;
  /** Free-form provenance (training command, metrics, ...). */
  metadata?: Record<string, unknown>;
}

/**
 * Serialises a model's parameters and config (reads the tensors, so it is async).
 *
 * @example
 * ```ts
 * const file = await serializeVisionModel(model, { seed: 1 });
 * writeFileSync('cbam.json', JSON.stringify(file));
 * ```
 */
export async function serializeVisionModel(model: VisionModel, metadata?: Record<string, unknown>): Promise<VisionWeightsFile> {
  const names = Object.keys(model.parameters);
  const arrays = await Promise.all(names.map((n) => model.parameters[n]!.data() as Promise<Float32Array>));
  const total = arrays.reduce((s, a) => s + a.length, 0);
  const values = new Float32Array(total);
  let offset = 0;
  for (const a of arrays) { values.set(a, offset); offset += a.length; }
  const file: VisionWeightsFile = {
    format: 'heed-vision-weights', version: 1, kind: model.kind,
    config: model.config as CbamCnnConfig | TinyVitConfig,
    tensors: names.map((name) => ({ name, shape: model.parameters[name]!.shape })),
    data: bytesToBase64(littleEndianBytes(values)),
  };
  if (metadata) file.metadata = metadata;
  return file;
}

/**
 * Rebuilds a model from a weight file (parsed JSON), creating fresh variables on the active backend.
 *
 * @example
 * ```ts
 * const model = visionModelFromWeights(JSON.parse(readFileSync('cbam.json', 'utf8')));
 * ```
 */
export function visionModelFromWeights(file: VisionWeightsFile): VisionModel {
  if (file.format !== 'heed-vision-weights' || file.version !== 1) {
    throw new Error(`not a heed-vision-weights v1 file (format ${String(file.format)}, version ${String(file.version)})`);
  }
  const values = fromLittleEndianBytes(base64ToBytes(file.data));
  const parameters: ParameterMap = {};
  let offset = 0;
  for (const { name, shape } of file.tensors) {
    const size = shape.reduce((a, b) => a * b, 1);
    if (offset + size > values.length) throw new Error(`weight file too short for tensor "${name}"`);
    // tidy frees the initial tensor; the variable keeps the data (they share it).
    parameters[name] = tf.tidy(() => tf.variable(tf.tensor(values.subarray(offset, offset + size), shape, 'float32'), true));
    offset += size;
  }
  if (offset !== values.length) throw new Error(`weight file has ${values.length - offset} values beyond its tensor table`);
  switch (file.kind) {
    case 'cbam': return cbamCnnFromParameters(file.config as CbamCnnConfig, parameters);
    case 'vit': return tinyVitFromParameters(file.config as TinyVitConfig, parameters);
    default: throw new Error(`unknown model kind "${String(file.kind)}"`);
  }
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function littleEndianBytes(values: Float32Array): Uint8Array {
  const bytes = new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
  return littleEndian ? bytes : swapEvery4(bytes);
}

function fromLittleEndianBytes(bytes: Uint8Array): Float32Array {
  if (bytes.length % 4 !== 0) throw new Error(`weight data is ${bytes.length} bytes, not a whole number of float32s`);
  const ordered = littleEndian ? bytes : swapEvery4(bytes);
  return new Float32Array(ordered.buffer, ordered.byteOffset, ordered.length / 4);
}

function swapEvery4(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += 4) {
    out[i] = bytes[i + 3]!; out[i + 1] = bytes[i + 2]!; out[i + 2] = bytes[i + 1]!; out[i + 3] = bytes[i]!;
  }
  return out;
}
