/**
 * CBAM's spatial gates as ONNX: the image gate (channel max and mean → k×k conv → sigmoid;
 * channel-spatial's `cbamSpatialGate`) and the point gate (the same descriptors of each point's k
 * nearest neighbours → linear map → sigmoid; `pointSpatialGate`). The optional logit bias and
 * inference-mode BatchNorm are folded into the conv / linear weights.
 */
import { BATCH_NORM_EPSILON, type SpatialGateWeights } from '@heed/channel-spatial';
import { type ChannelAffine, foldBatchNorm, hostFloats, linear } from '../../graph/layers.js';
import type { OnnxGraph } from '../../graph/onnx-graph.js';
import { channelPool } from './feature-map.js';

/** Options of the spatial-gate node builders. */
export interface SpatialGateNodeOptions {
  /** BN ε. Default 1e-5 (channel-spatial's {@link BATCH_NORM_EPSILON}). */
  epsilon?: number;
  hint?: string;
}

/**
 * The gate's BN (running statistics) as one affine map of the logit; identity without BN.
 *
 * @example
 * ```ts
 * const { scale, shift } = spatialGateNorm(weights, 1e-5); // logit' = logit·scale + shift
 * ```
 */
export function spatialGateNorm(weights: SpatialGateWeights, epsilon = BATCH_NORM_EPSILON): ChannelAffine {
  const bn = weights.batchNorm;
  if (!bn) return { scale: new Float32Array([1]), shift: new Float32Array([0]) };
  return foldBatchNorm({
    gamma: bn.gamma ? hostFloats(bn.gamma) : new Float32Array([1]),
    beta: bn.beta ? hostFloats(bn.beta) : new Float32Array([0]),
    mean: hostFloats(bn.movingMean), variance: hostFloats(bn.movingVariance), epsilon,
  });
}

/**
 * The image gate on [B, H, W, C] → map [B, H, W]: `sigmoid(BN(conv_k×k([max_c x, mean_c x]) + bias))`
 * with zero 'same' padding. `weights.kernel` is tfjs's [k, k, 2, 1] (input channel 0 weighs the
 * max), transposed here to ONNX's [1, 2, k, k]; the descriptors are stacked on axis 1, so the conv
 * reads NCHW without a Transpose, and its one output channel squeezes straight to [B, H, W].
 *
 * @example
 * ```ts
 * const map = cbamSpatialGateNodes(g, x, { kernel, batchNorm }); // [B, H, W] in (0, 1)
 * ```
 */
export function cbamSpatialGateNodes(g: OnnxGraph, x: string, weights: SpatialGateWeights, options: SpatialGateNodeOptions = {}): string {
  const hint = options.hint ?? 'cbam.spatial';
  const { kernel } = weights;
  const [k, kw, inChannels, outChannels] = kernel.shape;
  if (kernel.rank !== 4 || k !== kw || k! % 2 !== 1 || inChannels !== 2 || outChannels !== 1) {
    throw new Error(`${hint}: kernel must be [k, k, 2, 1] with k odd, got [${kernel.shape}]`);
  }
  const { filter, bias } = foldedLogit(weights, options.epsilon);
  const onnxFilter = new Float32Array(2 * k * k); // [1, 2, k, k] ← [k, k, 2, 1]
  for (let y = 0; y < k; y++) for (let xx = 0; xx < k; xx++) for (let i = 0; i < 2; i++) onnxFilter[(i * k + y) * k + xx] = filter[(y * k + xx) * 2 + i]!;
  const axis1 = g.int64s([1]);
  const descriptors = g.node('Concat', [
    g.node('Unsqueeze', [channelPool(g, x, 'max', `${hint}.max`), axis1]),
    g.node('Unsqueeze', [channelPool(g, x, 'mean', `${hint}.mean`), axis1]),
  ], { axis: 1 }, `${hint}.descriptors`); // [B, 2, H, W]
  const pad = (k - 1) / 2;
  const logits = g.node('Conv', [descriptors, g.constant(onnxFilter, [1, 2, k, k], `${hint}.kernel`), g.constant(bias, [1], `${hint}.bias`)], {
    kernel_shape: [k, k], pads: [pad, pad, pad, pad], strides: [1, 1],
  }, `${hint}.logits`); // [B, 1, H, W]
  return g.node('Squeeze', [g.node('Sigmoid', [logits], {}, `${hint}.sigmoid`), axis1], {}, `${hint}.map`);
}

/**
 * The point gate on x [B, N, C] with `neighbours` [B, N, k] (int32 or int64 indices into N) → map
 * [B, N]. `weights.kernel` is [2k, 1], neighbour-major (row 2j weighs neighbour j's max, 2j + 1
 * its mean). The per-point descriptors [B, N, 2] are gathered per example with GatherND
 * (batch_dims 1), flattened to [B, N, 2k] and mapped by one MatMul.
 *
 * @example
 * ```ts
 * const neighbours = g.input('neighbours', 'int32', ['batch', 'points', 16]);
 * const map = pointSpatialGateNodes(g, x, neighbours, { kernel }); // [B, N]
 * ```
 */
export function pointSpatialGateNodes(
  g: OnnxGraph, x: string, neighbours: string, weights: SpatialGateWeights, options: SpatialGateNodeOptions = {},
): string {
  const hint = options.hint ?? 'cbam.spatial';
  const { kernel } = weights;
  if (kernel.rank !== 2 || kernel.shape[1] !== 1 || kernel.shape[0]! % 2 !== 0) {
    throw new Error(`${hint}: kernel must be [2k, 1], got [${kernel.shape}]`);
  }
  const k = kernel.shape[0]! / 2;
  const { filter, bias } = foldedLogit(weights, options.epsilon);
  const last = g.int64s([-1]);
  const descriptors = g.node('Concat', [
    g.node('Unsqueeze', [channelPool(g, x, 'max', `${hint}.max`), last]),
    g.node('Unsqueeze', [channelPool(g, x, 'mean', `${hint}.mean`), last]),
  ], { axis: -1 }, `${hint}.descriptors`); // [B, N, 2]
  const index = g.node('Unsqueeze', [g.node('Cast', [neighbours], { to: 7 /* INT64 */ }, `${hint}.index64`), last], {}, `${hint}.index`);
  const gathered = g.node('GatherND', [descriptors, index], { batch_dims: 1 }, `${hint}.gathered`); // [B, N, k, 2]
  const flat = g.node('Reshape', [gathered, g.int64s([0, 0, 2 * k])], {}, `${hint}.flat`); // [B, N, 2k]
  const logits = linear(g, flat, filter, 2 * k, 1, { bias, hint: `${hint}.linear` }); // [B, N, 1]
  return g.node('Squeeze', [g.node('Sigmoid', [logits], {}, `${hint}.sigmoid`), last], {}, `${hint}.map`);
}

/** The gate's linear map and bias with the logit bias and BN folded in: BN(Kd + b) = (s·K)d + s·b + t. */
function foldedLogit(weights: SpatialGateWeights, epsilon?: number): { filter: Float32Array; bias: Float32Array } {
  const { scale, shift } = spatialGateNorm(weights, epsilon);
  const s = scale[0]!, t = shift[0]!;
  const b = weights.bias ? hostFloats(weights.bias)[0]! : 0;
  return { filter: hostFloats(weights.kernel).map((v) => v * s), bias: new Float32Array([b * s + t]) };
}
