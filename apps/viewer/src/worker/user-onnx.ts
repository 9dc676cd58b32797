import {
  type OnnxModelInfo, type OnnxSession, type PointInput, classNamesFromMetadata, describeValue, findPointInput, pointTensor, readOnnxModelInfo,
} from '@heed/onnx/points';
import { disposeAttentionMaps, prepareCloud } from '@heed/point-transformer';
import { randomSample } from '@heed/pointcloud-io';
import type { ModelDescriptor, ModelRun, OnnxModelSummary, OrtBackendName } from '../protocol.js';
import { type LayerMaps, summariseAttention } from './attention-summary.js';
import { FPS_SUBSET_LIMIT, softmax } from './model-run.js';
import { attentionKind, attentionShape, onnxLayerMaps } from './onnx-attention-maps.js';

/**
 * Points fed to a model that takes any N: its attention outputs are N × N per head, so all 4096
 * points of a sample would be 64 MB per map; 1024 (FPS) keep each map at 4 MB.
 */
export const FREE_POINT_LIMIT = 1024;

/** A user's ONNX model, loaded and checked: what it takes and gives, and its session. */
export interface UserOnnxModel {
  descriptor: ModelDescriptor;
  info: OnnxModelInfo;
  input: PointInput;
  session: OnnxSession;
  /** The file's bytes (a backend switch starts a new session from them). */
  bytes: Uint8Array;
}

/**
 * Reads a user's ONNX file and starts it on `engine`: refuses, with the reason, a file that is
 * not ONNX, a model without a point-cloud input or needing other inputs too, and one without
 * `attention*` outputs.
 *
 * @example
 * ```ts
 * const model = await loadUserOnnx(bytes, 'my_pct.onnx', (b) => ortSession(b, 'ort-wasm'));
 * ```
 */
export async function loadUserOnnx(bytes: Uint8Array, fileName: string, start: (bytes: Uint8Array) => Promise<OnnxSession>): Promise<UserOnnxModel> {
  const info = readOnnxModelInfo(bytes, fileName);
  const input = findPointInput(info, fileName);
  if (info.attention.length === 0) {
    throw new Error(`${fileName}: no attention outputs to show (outputs named "attention…"; the model gives ${info.outputs.map((o) => o.name).join(', ')})`);
  }
  const session = await start(bytes);
  const classNames = classNamesFromMetadata(info.metadata);
  const onnx: OnnxModelSummary = {
    fileName, producer: info.producer, inputs: info.inputs.map(describeValue), outputs: info.outputs.map(describeValue),
    pointInput: { name: input.name, layout: input.layout }, points: { count: input.points ?? FREE_POINT_LIMIT, fixed: input.points !== undefined }, attention: info.attention,
    ...(classNames ? { classNames } : {}),
  };
  return {
    info, input, session, bytes,
    descriptor: {
      id: `onnx:${fileName}`, label: `${fileName} (ONNX)`, points: input.points ?? FREE_POINT_LIMIT, available: true, onnx,
      note: `${info.producer || 'unknown producer'}; ${info.attention.length} attention output${info.attention.length > 1 ? 's' : ''}`,
    },
  };
}

/**
 * Runs a user's ONNX model over a cloud as the shipped models run: FPS to the model's point count
 * (or to all points up to {@link FREE_POINT_LIMIT} when it takes any), unit-sphere normalisation,
 * one cloud per batch entry. Every `attention*` output becomes a "layer" (heads of 4-D ones), its
 * points the `xyz*` output of the same suffix, else the input points when it has as many; outputs
 * that cannot be placed are left out and said why in `onnx.notes`. Class scores from `logits`
 * [batch, classes] when the model has it.
 *
 * @example
 * ```ts
 * const run = await runUserOnnx(model, cloud.positions, 'ort-wasm');
 * run.layers.map((l) => l.name); // ['attention_sa1', 'attention_sa2', 'attention_heads']
 * ```
 */
export async function runUserOnnx(model: UserOnnxModel, positions: Float32Array, engine: OrtBackendName): Promise<ModelRun> {
  const t0 = performance.now();
  const { info, input, session, descriptor } = model;
  const inputCount = positions.length / 3;
  const fpsInput = inputCount > FPS_SUBSET_LIMIT ? randomSample(positions, FPS_SUBSET_LIMIT, { seed: 0 }).cloud.positions : positions;
  const prepared = prepareCloud(fpsInput, { numPoints: input.points ?? Math.min(fpsInput.length / 3, FREE_POINT_LIMIT) });
  const n = prepared.points.length / 3;
  // A graph with a fixed batch size gets that many copies of the cloud.
  const fixedBatch = info.inputs.find((i) => i.name === input.name)?.dims?.[0];
  const batch = typeof fixedBatch === 'number' && fixedBatch > 0 ? fixedBatch : 1;
  const t1 = performance.now();
  let outputs: Awaited<ReturnType<OnnxSession['run']>>;
  try {
    outputs = await session.run({ [input.name]: pointTensor(input, Array.from({ length: batch }, () => prepared.points)) });
  } catch (e) {
    throw new Error(`${descriptor.onnx!.fileName}: onnxruntime could not run it on ${n} points: ${(e as Error).message}`);
  }
  const t2 = performance.now();
  const notes: string[] = [];
  const layers: LayerMaps[] = [];
  const kind = attentionKind(info.attentionQueries);
  try {
    for (const { name, points } of info.attention) {
      const attention = outputs[name]!;
      let s: number;
      try {
        s = attentionShape(name, attention.dims).s;
      } catch (e) {
        notes.push(`${(e as Error).message}: not shown`);
        continue;
      }
      const given = points ? outputs[points]!.data : undefined;
      if (given && !(given instanceof Float32Array)) {
        notes.push(`${points} is not float32: ${name} not shown`);
        continue;
      }
      const xyz = given ?? (s === n ? prepared.points : undefined);
      if (!xyz) {
        notes.push(`${name} attends over ${s} points, not the ${n} input points, and the model has no ${name.replace(/^attention/, 'xyz')} output giving them: not shown`);
        continue;
      }
      layers.push(onnxLayerMaps(name, attention, xyz, kind));
    }
    if (layers.length === 0) throw new Error(`${descriptor.onnx!.fileName}: none of its attention outputs can be placed on the cloud (${notes.join('; ')})`);
    const { attentionMs, nearestMs, ...attention } = await summariseAttention(layers, positions, prepared.transform);
    const logits = outputs.logits;
    let probabilities: number[] | undefined;
    if (logits && logits.dims.length === 2 && logits.data instanceof Float32Array) probabilities = softmax(logits.data.subarray(0, logits.dims[1]!));
    else if (logits) notes.push(`logits is [${logits.dims.join(', ')}], not [batch, classes]: no class scores`);
    const classes = probabilities?.length ?? 0;
    const names = descriptor.onnx!.classNames;
    if (names && names.length !== classes && probabilities) notes.push(`the metadata names ${names.length} classes, logits has ${classes}: classes are numbered`);
    const labels = names && names.length === classes ? names : Array.from({ length: classes }, (_, i) => `class ${i}`);
    return {
      modelId: descriptor.id, ...attention, labels, backend: engine, fpsOver: fpsInput.length / 3,
      ...(probabilities ? { probabilities } : {}),
      onnx: { outputs: Object.entries(outputs).map(([name, t]) => ({ name, dims: t.dims })), notes },
      timings: { prepareMs: t1 - t0, forwardMs: t2 - t1, attentionMs, nearestMs, totalMs: performance.now() - t0 },
    };
  } finally {
    disposeAttentionMaps(layers.flatMap((l) => l.heads));
  }
}
