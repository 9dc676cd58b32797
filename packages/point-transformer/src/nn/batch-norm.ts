import * as tf from '@tensorflow/tfjs-core';
import { Module, Param } from './module.js';

/** Options of {@link BatchNorm}. */
export interface BatchNormOptions {
  /** Added to the variance; PyTorch's default 1e-5. */
  epsilon?: number;
  /** PyTorch convention: running = (1 − momentum)·running + momentum·batch. Default 0.1. */
  momentum?: number;
}

/**
 * Batch normalisation over the last (channel) axis of channels-last features, equal to PyTorch's
 * `BatchNorm1d` on the channels-first tensor. State: `weight`, `bias`, `running_mean`,
 * `running_var`, `num_batches_tracked`.
 *
 * Training mode normalises with the batch's biased variance and updates the running statistics
 * with the unbiased one (as PyTorch does); evaluation mode uses the running statistics.
 *
 * @example
 * ```ts
 * const bn = new BatchNorm(64);
 * const y = bn.apply(tf.randomNormal([1024, 64]), true); // updates running_mean / running_var
 * ```
 */
export class BatchNorm extends Module {
  readonly weight: Param;
  readonly bias: Param;
  readonly runningMean: Param;
  readonly runningVar: Param;
  readonly numBatchesTracked = { value: 0 };
  readonly epsilon: number;
  readonly momentum: number;

  constructor(readonly channels: number, options: BatchNormOptions = {}) {
    super();
    this.epsilon = options.epsilon ?? 1e-5;
    this.momentum = options.momentum ?? 0.1;
    const c = [channels];
    this.weight = this.addParam('weight', new Param(c, 'as-is', tf.ones(c)));
    this.bias = this.addParam('bias', new Param(c, 'as-is', tf.zeros(c)));
    this.runningMean = this.addParam('running_mean', new Param(c, 'as-is', tf.zeros(c), false), 'buffer');
    this.runningVar = this.addParam('running_var', new Param(c, 'as-is', tf.ones(c), false), 'buffer');
    this.addCounter('num_batches_tracked', this.numBatchesTracked);
  }

  /** Normalises `x` [..., C]; in training mode also updates the running statistics. */
  apply(x: tf.Tensor, training: boolean): tf.Tensor {
    if (x.shape[x.rank - 1] !== this.channels) {
      throw new Error(`BatchNorm(${this.channels}): expected [..., ${this.channels}], got [${x.shape}]`);
    }
    return tf.tidy(() => {
      const flat = tf.reshape(x, [-1, this.channels]);
      const count = flat.shape[0]!;
      let y: tf.Tensor;
      if (training) {
        if (count < 2) throw new Error(`BatchNorm(${this.channels}): training needs more than 1 value per channel, got input [${x.shape}]`);
        const { mean, variance } = tf.moments(flat, 0);
        y = tf.add(tf.mul(tf.mul(tf.sub(flat, mean), tf.rsqrt(tf.add(variance, this.epsilon))), this.weight.variable), this.bias.variable);
        this.updateRunning(mean, variance, count);
      } else {
        y = tf.batchNorm(flat, this.runningMean.variable, this.runningVar.variable, this.bias.variable, this.weight.variable, this.epsilon);
      }
      return tf.reshape(y, x.shape);
    });
  }

  private updateRunning(mean: tf.Tensor, variance: tf.Tensor, count: number): void {
    const m = this.momentum;
    const blend = (running: tf.Variable, batch: tf.Tensor) =>
      tf.add(tf.mul(running, 1 - m), tf.mul(batch, m));
    const newMean = blend(this.runningMean.variable, mean);
    const newVar = blend(this.runningVar.variable, tf.mul(variance, count / (count - 1)));
    this.runningMean.variable.assign(newMean);
    this.runningVar.variable.assign(newVar);
    this.numBatchesTracked.value++;
  }
}
