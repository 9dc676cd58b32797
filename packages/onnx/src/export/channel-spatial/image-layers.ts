/**
 * Convolution and pooling on channels-last images [B, H, W, C] in an ONNX graph. ONNX's Conv and
 * MaxPool read NCHW, so each op transposes in and back out; onnxruntime's transpose optimiser
 * cancels the back-to-back pairs between consecutive ops, and the values between ops stay in
 * Heed's layout, where the channel-spatial block builders work.
 */
import { type ChannelAffine, type LinearOptions, activate } from '../../graph/layers.js';
import type { OnnxGraph } from '../../graph/onnx-graph.js';

const TO_NCHW = [0, 3, 1, 2];
const TO_NHWC = [0, 2, 3, 1];

/** Options of {@link conv2dNodes}. */
export interface Conv2dNodeOptions {
  /** [out] */
  bias?: Float32Array;
  /** A BatchNorm that follows (inference mode), folded into the filter and bias. */
  norm?: ChannelAffine;
  activation?: LinearOptions['activation'];
  /** tfjs's padding: 'same' (TensorFlow's, extra padding at the end) or 'valid'. Default 'same'. */
  padding?: 'same' | 'valid';
  /** Default 1. */
  stride?: number;
  hint?: string;
}

/**
 * A 2-D convolution in tfjs's conventions — filter [kh, kw, in, out] (tfjs `conv2d`'s, i.e.
 * PyTorch's `weight.permute(2, 3, 1, 0)`), channels-last in and out — with an optional bias, a
 * folded BatchNorm and an activation.
 *
 * @example
 * ```ts
 * const h = conv2dNodes(g, image, hostFloats(kernel), [3, 3, 3, 16], { bias, activation: 'relu', hint: 'conv1' });
 * ```
 */
export function conv2dNodes(
  g: OnnxGraph, x: string, filter: Float32Array, shape: readonly [number, number, number, number], options: Conv2dNodeOptions = {},
): string {
  const [kh, kw, inChannels, outChannels] = shape;
  const hint = options.hint ?? 'conv';
  if (filter.length !== kh * kw * inChannels * outChannels) {
    throw new Error(`${hint}: filter has ${filter.length} values, expected ${shape.join('×')}`);
  }
  const scale = options.norm?.scale, shift = options.norm?.shift;
  const onnxFilter = new Float32Array(filter.length); // [out, in, kh, kw] ← [kh, kw, in, out]
  for (let y = 0; y < kh; y++) for (let x2 = 0; x2 < kw; x2++) for (let i = 0; i < inChannels; i++) for (let o = 0; o < outChannels; o++) {
    onnxFilter[((o * inChannels + i) * kh + y) * kw + x2] = filter[((y * kw + x2) * inChannels + i) * outChannels + o]! * (scale ? scale[o]! : 1);
  }
  let bias = options.bias;
  if (options.norm) bias = Float32Array.from({ length: outChannels }, (_, o) => (options.bias ? options.bias[o]! : 0) * scale![o]! + shift![o]!);
  const inputs = [g.node('Transpose', [x], { perm: TO_NCHW }, `${hint}.nchw`), g.constant(onnxFilter, [outChannels, inChannels, kh, kw], `${hint}.weight`)];
  if (bias) inputs.push(g.constant(bias, [outChannels], `${hint}.bias`));
  const stride = options.stride ?? 1;
  const conv = g.node('Conv', inputs, {
    kernel_shape: [kh, kw], strides: [stride, stride], auto_pad: options.padding === 'valid' ? 'VALID' : 'SAME_UPPER',
  }, `${hint}.conv`);
  // The activation is elementwise: apply it before transposing back, next to the Conv (fusable).
  return g.node('Transpose', [activate(g, conv, options.activation, hint)], { perm: TO_NHWC }, `${hint}.out`);
}

/**
 * Max pooling with 'valid' padding on [B, H, W, C] (tfjs `maxPool(x, size, stride, 'valid')`):
 * output sides floor((H − size) / stride) + 1.
 *
 * @example
 * ```ts
 * const pooled = maxPool2dNodes(g, h, 2, 2, 'pool1'); // [B, 8, 8, C] → [B, 4, 4, C]
 * ```
 */
export function maxPool2dNodes(g: OnnxGraph, x: string, size: number, stride = size, hint = 'maxpool'): string {
  const pooled = g.node('MaxPool', [g.node('Transpose', [x], { perm: TO_NCHW }, `${hint}.nchw`)], {
    kernel_shape: [size, size], strides: [stride, stride],
  }, `${hint}.pool`);
  return g.node('Transpose', [pooled], { perm: TO_NHWC }, `${hint}.out`);
}
