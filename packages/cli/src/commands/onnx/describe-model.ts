import type { OnnxModelInfo, OnnxValueInfo } from '@heed/onnx';

/**
 * One line per input and output of an ONNX model, attention outputs marked with the points they
 * are over — what `heed export` and `heed run-onnx` print about a model.
 *
 * @example
 * ```ts
 * describeModel(readOnnxModelInfo(bytes, 'pct.onnx'));
 * // '  in   points       float32 [batch, points, 3]\n  out  logits  float32 [batch, 40]\n  out  attention_1 … (attention over xyz_1)'
 * ```
 */
export function describeModel(info: OnnxModelInfo): string {
  const width = Math.max(...[...info.inputs, ...info.outputs].map((v) => v.name.length));
  const line = (kind: string, v: OnnxValueInfo) => `  ${kind}  ${v.name.padEnd(width)}  ${v.type} [${(v.dims ?? ['?']).join(', ')}]`;
  const attention = new Map(info.attention.map((a) => [a.name, a.points]));
  return [
    ...info.inputs.map((v) => line('in ', v)),
    ...info.outputs.map((v) => {
      if (!attention.has(v.name)) return line('out', v);
      const points = attention.get(v.name);
      return `${line('out', v)}  attention (query ${info.attentionQueries}) over ${points ?? 'the input points'}`;
    }),
  ].join('\n');
}

/**
 * Class names a model's metadata carries (`heed.class_names`, JSON), or null.
 *
 * @example
 * ```ts
 * classNamesOf({ 'heed.class_names': '["chair","table"]' }); // ['chair', 'table']
 * ```
 */
export function classNamesOf(metadata: Record<string, string>): string[] | null {
  const text = metadata['heed.class_names'];
  if (text === undefined) return null;
  try {
    const names: unknown = JSON.parse(text);
    if (Array.isArray(names) && names.every((n) => typeof n === 'string')) return names;
  } catch {
    // fall through: a malformed list is ignored, the classes are numbered instead
  }
  process.stderr.write('heed: warning: the model metadata heed.class_names is not a JSON list of strings; classes are numbered\n');
  return null;
}
