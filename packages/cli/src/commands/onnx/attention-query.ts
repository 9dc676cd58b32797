import type { OnnxModelInfo, OnnxTensor } from '@heed/onnx';
import type { AttentionQuery, PreparedCloud } from '@heed/point-transformer';
import { UsageError } from '../../errors.js';

/**
 * One input point's attention in an ONNX model's attention output, as `heed attention` reports it
 * for Heed's own models: the map's points (its `xyz_*` output, or the fed points when the map is
 * over all of them), the one nearest to the query point, and that query's weights (row or column,
 * as the model's metadata says).
 *
 * @example
 * ```ts
 * const q = await queryOnnxAttention(info, outputs, prepared, cloud.positions, { query: 17, source: 'pct.onnx' });
 * q.weights; // Float32Array(S), aligned with q.xyz
 * ```
 */
export async function queryOnnxAttention(
  info: OnnxModelInfo,
  outputs: Record<string, OnnxTensor>,
  prepared: PreparedCloud,
  inputPositions: Float32Array,
  options: { query: number; output?: string; source: string },
): Promise<AttentionQuery> {
  const { attentionRow } = await import('@heed/onnx');
  const { nearestLayerPoint, toOriginal } = await import('@heed/point-transformer');
  const { query, source } = options;
  const names = info.attention.map((a) => a.name);
  if (names.length === 0) throw new UsageError(`--query: ${source} has no attention outputs (none of its outputs is named attention*)`);
  const name = options.output ?? names[0]!;
  const index = names.indexOf(name);
  if (index < 0) throw new UsageError(`--output ${name}: not an attention output of ${source} (it has ${names.join(', ')})`);
  const inputCount = inputPositions.length / 3;
  if (query >= inputCount) throw new UsageError(`--query ${query}: the cloud has ${inputCount} points (0–${inputCount - 1})`);

  const map = outputs[name]!;
  const size = map.dims.at(-1)!;
  const pointsName = info.attention[index]!.points;
  let xyzNormalised: Float32Array;
  if (pointsName !== undefined) {
    xyzNormalised = outputs[pointsName]!.data as Float32Array;
    if (xyzNormalised.length < size * 3) throw new Error(`${source}: ${pointsName} has ${xyzNormalised.length / 3} points for ${name}'s ${size}`);
    xyzNormalised = xyzNormalised.subarray(0, size * 3); // cloud 0 of the batch
  } else if (size === prepared.points.length / 3) {
    xyzNormalised = prepared.points;
  } else {
    throw new Error(`${source}: ${name} is over ${size} points, not the ${prepared.points.length / 3} fed, and there is no ${name.replace(/^attention/, 'xyz')} output saying which`);
  }
  const queryPoint = nearestLayerPoint(xyzNormalised, prepared, inputPositions, query);
  const weights = attentionRow(map, { query: queryPoint, queries: info.attentionQueries });
  return { layer: index + 1, name, query, queryPoint, xyzNormalised, xyz: toOriginal(xyzNormalised, prepared.transform), weights };
}
