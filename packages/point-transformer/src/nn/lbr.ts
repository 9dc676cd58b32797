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
  constructor(readonly linear: Pointwise, readonly norm: BatchNorm, readonly activation: Activation = 'relu') {
    if (linear.outChannels !== norm.channels) {
      throw new Error(`LBR: linear outputs ${linear.outChannels} channels, batch norm expects ${norm.channels}`);
    }
  }

  /** [..., in] → [..., out]; `training` selects batch statistics in the BatchNorm. */
  apply(x: tf.Tensor, training: boolean): tf.Tensor {
    return tf.tidy(() => {
      const y = this.norm.apply(this.linear.apply(x), training);
      return this.activation === 'relu' ? tf.relu(y) : tf.leakyRelu(y, 0.2);
    });
  }
}
