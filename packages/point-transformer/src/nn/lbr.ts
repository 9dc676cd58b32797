import * as tf from '@tensorflow/tfjs-core';
import type { BatchNorm } from './batch-norm.js';
import type { Pointwise } from './pointwise.js';

/** The activation closing an {@link LBR}. */
export type Activation = 'relu' | 'leaky-relu';

/**
 * PCT's LBR: Linear (a 1×1 convolution, usually without bias), BatchNorm, ReLU — on
 * channels-last features [..., in] → [..., out]. It only composes: the {@link Pointwise} and
 * {@link BatchNorm} belong to (and are named by) the parent module, so state-dict names and their
 * order follow the reference (`conv1`, `conv2`, `bn1`, `bn2`, …).
 *
 * @example
 * ```ts
 * const lbr = new LBR(new Pointwise(3, 64, { bias: false }), new BatchNorm(64));
 * const y = lbr.apply(tf.randomNormal([1, 1024, 3]), false); // [1, 1024, 64]
 * ```
 */
export class LBR {
  /** Evaluation-mode weights with the BatchNorm folded in, and the tensors they came from. */
  private folded?: { from: readonly unknown[]; weight: tf.Tensor; bias: tf.Tensor };

  constructor(readonly linear: Pointwise, readonly norm: BatchNorm, readonly activation: Activation = 'relu') {
    if (linear.outChannels !== norm.channels) {
      throw new Error(`LBR: linear outputs ${linear.outChannels} channels, batch norm expects ${norm.channels}`);
    }
    norm.attachDerived({ dispose: () => this.dropFolded() });
  }

  /**
   * [..., in] → [..., out]; `training` selects batch statistics in the BatchNorm. In evaluation
   * the BatchNorm is folded into the linear layer — y = act(x·(W·s) + (b − μ)·s + β) with
   * s = γ / √(σ² + ε) — one fused matMul instead of matMul, BatchNorm and activation.
   */
  apply(x: tf.Tensor, training: boolean): tf.Tensor {
    if (training) {
      return tf.tidy(() => {
        const y = this.norm.apply(this.linear.apply(x), training);
        return this.activation === 'relu' ? tf.relu(y) : tf.leakyRelu(y, 0.2);
      });
    }
    const inChannels = this.linear.inChannels, out = this.linear.outChannels;
    if (x.shape[x.rank - 1] !== inChannels) {
      throw new Error(`LBR(${inChannels}→${out}): expected [..., ${inChannels}], got [${x.shape}]`);
    }
    const { weight, bias } = this.foldedWeights();
    return tf.tidy(() => {
      const y = tf.fused.matMul({
        a: tf.reshape(x, [-1, inChannels]) as tf.Tensor2D, b: weight as tf.Tensor2D, bias,
        activation: this.activation === 'relu' ? 'relu' : 'leakyrelu', leakyreluAlpha: 0.2,
      });
      return tf.reshape(y, [...x.shape.slice(0, -1), out]);
    });
  }

  /**
   * The evaluation-mode linear layer with the BatchNorm folded in: weight W·s [in, out] and bias
   * (b − μ)·s + β [out], owned by the LBR (do not dispose). Computed again whenever a weight or
   * statistic changed (a variable's assign gives it a new data id) or the backend did (a WebGPU
   * device was replaced).
   *
   * @example
   * ```ts
   * const { weight, bias } = lbr.foldedWeights(); // act(x·weight + bias) = lbr.apply(x, false)
   * ```
   */
  foldedWeights(): { weight: tf.Tensor; bias: tf.Tensor } {
    const { linear, norm } = this;
    const sources = [linear.weight, linear.bias, norm.weight, norm.bias, norm.runningMean, norm.runningVar].map((p) => p?.variable);
    const from = [tf.backend(), ...sources.map((v) => v?.dataId)];
    if (this.folded && this.folded.from.every((f, i) => f === from[i])) return this.folded;
    this.dropFolded();
    const [weight, bias] = tf.tidy(() => {
      const scale = tf.div(norm.weight.variable, tf.sqrt(tf.add(norm.runningVar.variable, norm.epsilon)));
      const shifted = linear.bias ? tf.sub(linear.bias.variable, norm.runningMean.variable) : tf.neg(norm.runningMean.variable);
      return [tf.mul(linear.weight.variable, scale), tf.add(tf.mul(shifted, scale), norm.bias.variable)];
    });
    // Kept: the forward calling this usually runs in a tidy, which would free them at its end.
    this.folded = { from, weight: tf.keep(weight!), bias: tf.keep(bias!) };
    return this.folded;
  }

  private dropFolded(): void {
    if (this.folded) tf.dispose([this.folded.weight, this.folded.bias]);
    this.folded = undefined;
  }
}
