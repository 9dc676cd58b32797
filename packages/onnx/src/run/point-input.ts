import { type OnnxModelInfo, describeValue } from './model-info.js';
import type { OnnxTensor } from './onnx-session.js';

/**
 * Where a point model takes its cloud: the input's name, its layout and, when the model fixes it,
 * the number of points per cloud.
 */
export interface PointInput {
  name: string;
  /** 'points-last': [B, N, 3] (Heed's exports); 'channels-first': [B, 3, N] (PyTorch convention, e.g. PCT_Pytorch). */
  layout: 'points-last' | 'channels-first';
  /** Points per cloud: the input's fixed N, else the `heed.points` metadata; undefined when any N goes. */
  points?: number;
  /** Whether the input's shape fixes N (then no other count runs), or `points` is only the model's nominal count. */
  pointsFixed: boolean;
}

/**
 * Finds the input a point-cloud model takes its coordinates from: a float input of rank 3 with a
 * size-3 axis, [B, N, 3] or [B, 3, N] (an input named `points` wins a tie). Models that also need
 * other inputs are refused with their names, since a cloud alone cannot feed them.
 *
 * @param source Names the model in errors.
 * @example
 * ```ts
 * const input = findPointInput(readOnnxModelInfo(bytes, 'net.onnx'), 'net.onnx');
 * // { name: 'points', layout: 'channels-first', points: 1024, pointsFixed: true }
 * ```
 */
export function findPointInput(info: OnnxModelInfo, source = 'model'): PointInput {
  const candidates = info.inputs
    .filter((i) => i.type === 'float32' && i.dims?.length === 3 && (i.dims[1] === 3 || i.dims[2] === 3))
    .sort((a, b) => Number(b.name === 'points') - Number(a.name === 'points'));
  const input = candidates[0];
  if (!input) {
    throw new Error(`${source}: no point-cloud input (expected a float32 input [batch, points, 3] or [batch, 3, points]; the model takes ${info.inputs.map(describeValue).join(', ') || 'nothing'})`);
  }
  const others = info.inputs.filter((i) => i !== input);
  if (others.length) throw new Error(`${source}: the model also needs ${others.map(describeValue).join(', ')}; only its point input ${input.name} can be fed from a cloud`);
  const dims = input.dims!;
  const layout = dims[2] === 3 ? 'points-last' : 'channels-first';
  const fixed = layout === 'points-last' ? dims[1] : dims[2];
  const fromMetadata = Number(info.metadata['heed.points']);
  const points = typeof fixed === 'number' ? fixed : Number.isSafeInteger(fromMetadata) && fromMetadata > 0 ? fromMetadata : undefined;
  const pointsFixed = typeof fixed === 'number';
  return points === undefined ? { name: input.name, layout, pointsFixed } : { name: input.name, layout, points, pointsFixed };
}

/**
 * Packs clouds of equal size (each N × 3, xyz interleaved) into the tensor a {@link PointInput}
 * wants, transposing for channels-first models.
 *
 * @example
 * ```ts
 * const feeds = { [input.name]: pointTensor(input, [prepared.points]) };
 * ```
 */
export function pointTensor(input: Pick<PointInput, 'name' | 'layout'>, clouds: readonly Float32Array[]): OnnxTensor {
  if (clouds.length === 0) throw new Error(`${input.name}: no clouds to feed`);
  const n = clouds[0]!.length / 3;
  const data = new Float32Array(clouds.length * n * 3);
  clouds.forEach((cloud, b) => {
    if (cloud.length !== n * 3) throw new Error(`${input.name}: cloud ${b} has ${cloud.length / 3} points, cloud 0 has ${n} (a batch needs equal sizes)`);
    if (input.layout === 'points-last') data.set(cloud, b * n * 3);
    else for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) data[b * n * 3 + c * n + i] = cloud[3 * i + c]!;
  });
  return { data, dims: input.layout === 'points-last' ? [clouds.length, n, 3] : [clouds.length, 3, n] };
}
