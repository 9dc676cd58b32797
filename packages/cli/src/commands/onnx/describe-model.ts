import { type OnnxModelInfo, type OnnxValueInfo, describeValue } from '@heed/onnx';

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
  const line = (kind: string, v: OnnxValueInfo) => `  ${kind}  ${describeValue({ ...v, name: v.name.padEnd(width) })}`;
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
