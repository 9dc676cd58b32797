import onnxProto from 'onnx-proto';
import { attentionPointsName, attentionQueries, isAttentionOutput, type AttentionQueries } from './attention-outputs.js';

const { onnx } = onnxProto;

/** A graph input or output: its name, element type and dimensions (numbers, or names of symbolic sizes). */
export interface OnnxValueInfo {
  name: string;
  /** 'float32', 'int64', … ; 'unknown' when the file does not say. */
  type: string;
  /** Undefined when the file gives no shape. */
  dims?: (number | string)[];
}

/** What an ONNX file says about itself, read without starting a runtime. */
export interface OnnxModelInfo {
  producer: string;
  /** The default-domain opset the model imports. */
  opset: number | undefined;
  docString: string;
  /** `metadata_props` (Heed exports: heed.model, heed.variant, heed.task, heed.classes, …). */
  metadata: Record<string, string>;
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  /** Outputs whose name starts with `attention`, each with the output giving its points when there is one. */
  attention: { name: string; points?: string }[];
  /** Whether a query's weights are rows or columns of those outputs (metadata `heed.attention_queries`). */
  attentionQueries: AttentionQueries;
}

const TYPE_NAMES: Record<number, string> = {
  [onnx.TensorProto.DataType.FLOAT]: 'float32',
  [onnx.TensorProto.DataType.DOUBLE]: 'float64',
  [onnx.TensorProto.DataType.FLOAT16]: 'float16',
  [onnx.TensorProto.DataType.INT64]: 'int64',
  [onnx.TensorProto.DataType.INT32]: 'int32',
  [onnx.TensorProto.DataType.INT8]: 'int8',
  [onnx.TensorProto.DataType.UINT8]: 'uint8',
  [onnx.TensorProto.DataType.BOOL]: 'bool',
};

/**
 * Reads an ONNX model's inputs, outputs (with their shapes), metadata and attention outputs
 * straight from the protobuf — to describe a user's model, check a point cloud against its input,
 * or find its `attention*` outputs before any runtime loads. Initializers (the weights) are not read.
 *
 * @param source Names the file in errors.
 * @example
 * ```ts
 * const info = readOnnxModelInfo(readFileSync('pct.onnx'), 'pct.onnx');
 * info.inputs[0]; // { name: 'points', type: 'float32', dims: ['batch', 'points', 3] }
 * info.attention; // [{ name: 'attention_1', points: 'xyz_1' }, …]
 * ```
 */
export function readOnnxModelInfo(bytes: Uint8Array, source = 'model'): OnnxModelInfo {
  let model: onnxProto.onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new Error(`${source}: not an ONNX model (protobuf ModelProto expected; ${(e as Error).message})`);
  }
  const graph = model.graph;
  if (!graph || !graph.output?.length) throw new Error(`${source}: not an ONNX model (no graph with outputs)`);
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name));
  // Old exporters list initializers among the inputs too; they are not inputs the caller feeds.
  const inputs = (graph.input ?? []).filter((v) => !initializers.has(v.name ?? '')).map(valueInfo);
  const outputs = graph.output.map(valueInfo);
  const names = new Set(outputs.map((o) => o.name));
  const attention = outputs.filter((o) => isAttentionOutput(o.name)).map(({ name }) => {
    const points = attentionPointsName(name);
    return names.has(points) ? { name, points } : { name };
  });
  const metadata = Object.fromEntries((model.metadataProps ?? []).map((p) => [p.key ?? '', p.value ?? '']));
  let queries: AttentionQueries;
  try {
    queries = attentionQueries(metadata);
  } catch (e) {
    throw new Error(`${source}: ${(e as Error).message}`);
  }
  const opset = (model.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx')?.version;
  return {
    producer: [model.producerName, model.producerVersion].filter(Boolean).join(' '),
    opset: opset === undefined || opset === null ? undefined : toNumber(opset),
    docString: model.docString ?? '',
    metadata,
    inputs,
    outputs,
    attention,
    attentionQueries: queries,
  };
}

function valueInfo(v: onnxProto.onnx.IValueInfoProto): OnnxValueInfo {
  const tensor = v.type?.tensorType;
  const info: OnnxValueInfo = { name: v.name ?? '', type: TYPE_NAMES[tensor?.elemType ?? -1] ?? 'unknown' };
  if (tensor?.shape) info.dims = (tensor.shape.dim ?? []).map(dimension);
  return info;
}

/** A size, a symbolic name, or '?' when the file leaves it open. */
function dimension(d: onnxProto.onnx.TensorShapeProto.IDimension): number | string {
  const which = (d as onnxProto.onnx.TensorShapeProto.Dimension).value; // the oneof that is set
  if (which === 'dimParam') return d.dimParam || '?';
  if (which === 'dimValue') return toNumber(d.dimValue);
  return '?';
}

/** int64 fields decode as numbers or Long objects depending on whether long.js is around. */
function toNumber(value: unknown): number {
  return typeof value === 'object' && value !== null && 'toNumber' in value ? (value as { toNumber(): number }).toNumber() : Number(value);
}

/**
 * An input or output as one line: `name type [dims]` (what errors and model descriptions print).
 *
 * @example
 * ```ts
 * describeValue({ name: 'points', type: 'float32', dims: ['batch', 3, 1024] }); // 'points float32 [batch, 3, 1024]'
 * ```
 */
export function describeValue(value: OnnxValueInfo): string {
  return `${value.name} ${value.type} [${(value.dims ?? ['?']).join(', ')}]`;
}

/**
 * Class names a model's metadata gives: `heed.class_names`, else `heed.classes`, each a JSON
 * array of strings or a comma-separated list. A bare count (Heed's exports write the number of
 * classes in `heed.classes`) names nothing.
 *
 * @example
 * ```ts
 * classNamesFromMetadata({ 'heed.class_names': '["chair","mug"]' }); // ['chair', 'mug']
 * classNamesFromMetadata({ 'heed.classes': '10' }); // undefined
 * ```
 */
export function classNamesFromMetadata(metadata: Record<string, string>): string[] | undefined {
  for (const key of ['heed.class_names', 'heed.classes']) {
    const value = metadata[key]?.trim();
    if (!value || /^\d+$/.test(value)) continue;
    if (value.startsWith('[')) {
      try {
        const parsed: unknown = JSON.parse(value);
        if (Array.isArray(parsed) && parsed.length > 0 && parsed.every((v) => typeof v === 'string')) return parsed;
      } catch {
        // Not JSON after all: read it as a list.
      }
    }
    const names = value.replace(/^\[|\]$/g, '').split(',').map((v) => v.trim().replace(/^["']|["']$/g, '')).filter(Boolean);
    if (names.length > 0) return names;
  }
  return undefined;
}
