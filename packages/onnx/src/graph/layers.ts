import type * as tf from '@tensorflow/tfjs-core';
import { type OnnxGraph, float } from './onnx-graph.js';

/** Host copy of a tfjs tensor's values (float32). */
export function hostFloats(t: tf.Tensor): Float32Array {
  return Float32Array.from(t.dataSync() as Float32Array);
}

/** An affine map per channel: y = x·scale + shift (a folded BatchNorm). */
export interface ChannelAffine {
  scale: Float32Array;
  shift: Float32Array;
}

/**
 * An inference-mode BatchNorm as y = x·scale + shift: scale = γ/√(var + ε), shift = β − mean·scale.
 *
 * @example
 * ```ts
 * const bn = foldBatchNorm({ gamma, beta, mean, variance, epsilon: 1e-5 });
 * ```
 */
export function foldBatchNorm(p: { gamma: Float32Array; beta: Float32Array; mean: Float32Array; variance: Float32Array; epsilon: number }): ChannelAffine {
  const c = p.gamma.length;
  const scale = new Float32Array(c), shift = new Float32Array(c);
  for (let i = 0; i < c; i++) {
    // float64 here, rounded once: the fold adds no error of its own beyond float32 storage.
    const s = p.gamma[i]! / Math.sqrt(p.variance[i]! + p.epsilon);
    scale[i] = s;
    shift[i] = p.beta[i]! - p.mean[i]! * s;
  }
  return { scale, shift };
}

/** Options of {@link linear}. */
export interface LinearOptions {
  bias?: Float32Array;
  /** A BatchNorm that follows, folded into the weights and bias. */
  norm?: ChannelAffine;
  /** Activation after the affine part. */
  activation?: 'relu' | { leakyRelu: number } | 'sigmoid' | 'gelu';
  hint?: string;
}

/**
 * x [..., in] · W [in, out] (+ bias) (with a following BatchNorm folded in) (+ activation): a 1×1
 * convolution or Linear layer on channels-last values, one MatMul whatever the rank.
 *
 * @example
 * ```ts
 * const h = linear(g, x, hostFloats(w), 3, 64, { norm: foldBatchNorm(bn), activation: 'relu' });
 * ```
 */
export function linear(g: OnnxGraph, x: string, weight: Float32Array, inChannels: number, outChannels: number, options: LinearOptions = {}): string {
  if (weight.length !== inChannels * outChannels) {
    throw new Error(`linear ${options.hint ?? ''}: weight has ${weight.length} values, expected ${inChannels}×${outChannels}`);
  }
  const hint = options.hint ?? 'linear';
  let w = weight;
  let b = options.bias;
  if (options.norm) {
    const { scale, shift } = options.norm;
    w = new Float32Array(weight.length);
    for (let i = 0; i < inChannels; i++) for (let o = 0; o < outChannels; o++) w[i * outChannels + o] = weight[i * outChannels + o]! * scale[o]!;
    const folded = new Float32Array(outChannels);
    for (let o = 0; o < outChannels; o++) folded[o] = (options.bias ? options.bias[o]! * scale[o]! : 0) + shift[o]!;
    b = folded;
  }
  let y = g.node('MatMul', [x, g.constant(w, [inChannels, outChannels], `${hint}.weight`)], {}, `${hint}.matmul`);
  if (b) y = g.node('Add', [y, g.constant(b, [outChannels], `${hint}.bias`)], {}, `${hint}.out`);
  return activate(g, y, options.activation, hint);
}

/** Applies an activation (none when `activation` is undefined). */
export function activate(g: OnnxGraph, x: string, activation: LinearOptions['activation'], hint = 'act'): string {
  if (!activation) return x;
  if (activation === 'relu') return g.node('Relu', [x], {}, `${hint}.relu`);
  if (activation === 'sigmoid') return g.node('Sigmoid', [x], {}, `${hint}.sigmoid`);
  if (activation === 'gelu') {
    // erf GELU from opset-17 primitives (Gelu itself is opset 20): x·½·(1 + erf(x/√2)).
    const erf = g.node('Erf', [g.node('Mul', [x, g.scalar(Math.SQRT1_2)])]);
    return g.node('Mul', [g.node('Mul', [x, g.scalar(0.5)]), g.node('Add', [erf, g.scalar(1)])], {}, `${hint}.gelu`);
  }
  return g.node('LeakyRelu', [x], { alpha: float(activation.leakyRelu) }, `${hint}.leaky`);
}

/** y = x·scale + shift over the last axis. */
export function channelAffine(g: OnnxGraph, x: string, affine: ChannelAffine, hint = 'affine'): string {
  const c = affine.scale.length;
  return g.node('Add', [g.node('Mul', [x, g.constant(affine.scale, [c], `${hint}.scale`)]), g.constant(affine.shift, [c], `${hint}.shift`)], {}, hint);
}
