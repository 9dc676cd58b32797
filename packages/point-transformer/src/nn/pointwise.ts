import * as tf from '@tensorflow/tfjs-core';
import { type InitOptions, Module, Param, type TorchLayout } from './module.js';

/** Options of {@link Pointwise}. */
export interface PointwiseOptions extends InitOptions {
  /** Add a bias. Default true. */
  bias?: boolean;
  /** PyTorch module it mirrors: `Conv1d(k=1)` weights [out, in, 1] or `Linear` [out, in]. */
  torch?: 'conv1d' | 'linear';
}

/**
 * A 1×1 `Conv1d` or a `Linear` on channels-last features: `y = x · W (+ b)` over the last axis,
 * one 2-D matMul whatever the rank of `x`. State: `weight` (PyTorch layout on save/load), `bias`.
 *
 * @example
 * ```ts
 * const conv = new Pointwise(3, 64, { bias: false });     // PyTorch Conv1d(3, 64, 1, bias=False)
 * const y = conv.apply(tf.randomNormal([2, 1024, 3]));   // [2, 1024, 64]
 * ```
 */
export class Pointwise extends Module {
  readonly weight: Param;
  readonly bias?: Param;

  constructor(readonly inChannels: number, readonly outChannels: number, options: PointwiseOptions = {}) {
    super();
    const layout: TorchLayout = options.torch ?? 'conv1d';
    const torchShape = layout === 'conv1d' ? [outChannels, inChannels, 1] : [outChannels, inChannels];
    // PyTorch's default: kaiming_uniform(a=√5) for weights and uniform(±1/√fan_in) for biases
    // both reduce to uniform(±1/√in).
    const bound = 1 / Math.sqrt(inChannels);
    const seed = options.seed;
    this.weight = this.addParam('weight', new Param(torchShape, layout, tf.randomUniform([inChannels, outChannels], -bound, bound, 'float32', seed)));
    if (options.bias ?? true) {
      const biasSeed = seed === undefined ? undefined : seed + 7919;
      this.bias = this.addParam('bias', new Param([outChannels], 'as-is', tf.randomUniform([outChannels], -bound, bound, 'float32', biasSeed)));
    }
  }

  /** `x` [..., in] → [..., out]. */
  apply(x: tf.Tensor): tf.Tensor {
    if (x.shape[x.rank - 1] !== this.inChannels) {
      throw new Error(`Pointwise(${this.inChannels}→${this.outChannels}): expected [..., ${this.inChannels}], got [${x.shape}]`);
    }
    return tf.tidy(() => {
      let y = tf.matMul(tf.reshape(x, [-1, this.inChannels]), this.weight.variable);
      if (this.bias) y = tf.add(y, this.bias.variable);
      return tf.reshape(y, [...x.shape.slice(0, -1), this.outChannels]);
    });
  }

  /**
   * `apply(concat(parts, -1))` without building the concatenation: each part meets its own rows of
   * W, and the products are summed with broadcasting — so a part of shape [B, 1, c] (a per-cloud
   * feature) is multiplied once per cloud instead of once per point, and never tiled.
   *
   * @example
   * ```ts
   * const conv = new Pointwise(1024 + 2048, 512);
   * const y = conv.applyConcat([perPoint, tf.expandDims(perCloud, 1)]); // [B, N, 1024], [B, 1, 2048] → [B, N, 512]
   * const z = conv.applyConcat(parts, lbr.foldedWeights()); // with another weight and bias (an LBR's folded ones)
   * ```
   */
  applyConcat(parts: readonly tf.Tensor[], replacement?: { weight: tf.Tensor; bias: tf.Tensor }): tf.Tensor {
    const widths = parts.map((p) => p.shape[p.rank - 1]!);
    const total = widths.reduce((a, b) => a + b, 0);
    if (total !== this.inChannels) {
      throw new Error(`Pointwise(${this.inChannels}→${this.outChannels}): parts with [${widths}] channels add up to ${total}, expected ${this.inChannels}`);
    }
    const weight = replacement?.weight ?? this.weight.variable;
    const bias = replacement ? replacement.bias : this.bias?.variable;
    return tf.tidy(() => {
      let offset = 0;
      let y: tf.Tensor | undefined;
      for (const [i, part] of parts.entries()) {
        const rows = tf.slice(weight, [offset, 0], [widths[i]!, -1]);
        offset += widths[i]!;
        const term = tf.reshape(tf.matMul(tf.reshape(part, [-1, widths[i]!]), rows), [...part.shape.slice(0, -1), this.outChannels]);
        y = y ? tf.add(y, term) : term;
      }
      return bias ? tf.add(y!, bias) : y!;
    });
  }
}
