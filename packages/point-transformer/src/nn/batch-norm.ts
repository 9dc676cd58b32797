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
        const batch = trainingBatchNorm(flat as tf.Tensor2D, this.weight.variable, this.bias.variable, this.epsilon);
        y = batch.y;
        this.updateRunning(batch.mean, batch.variance, count);
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

/** Per-channel sums of [R, C] rows as one [1, R]·[R, C] product: wasm reduces a non-inner axis by transposing first, which costs far more. */
function columnSums(x: tf.Tensor2D): tf.Tensor2D {
  return tf.matMul(tf.ones([1, x.shape[0]]), x);
}

/**
 * Training-mode batch normalisation of [R, C] with its gradient written out (the textbook
 * dx = γ·σ⁻¹/R · (R·dy − Σdy − x̂·Σ(dy·x̂))): autodiff of the composed ops costs several
 * transposing reductions and broadcasts per layer, which dominated a PCT training step on wasm.
 * Returns the batch mean and biased variance too, for the running statistics.
 */
function trainingBatchNorm(x: tf.Tensor2D, gamma: tf.Variable, beta: tf.Variable, epsilon: number): { y: tf.Tensor; mean: tf.Tensor; variance: tf.Tensor } {
  const rows = x.shape[0];
  let mean!: tf.Tensor, variance!: tf.Tensor;
  const normalise = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xIn, g, b] = args as tf.Tensor[];
    const save = args[3] as tf.GradSaveFunc;
    // kept: customGrad's forward runs in its own tidy, and the caller needs the statistics
    mean = tf.keep(tf.div(columnSums(xIn as tf.Tensor2D), rows));
    const centred = tf.sub(xIn, mean);
    variance = tf.keep(tf.div(columnSums(tf.square(centred) as tf.Tensor2D), rows));
    const invStd = tf.rsqrt(tf.add(variance, epsilon));
    const xHat = tf.mul(centred, invStd);
    save([xHat, invStd, g!]);
    return {
      value: tf.add(tf.mul(xHat, g!), b!),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [savedXHat, savedInvStd, savedGamma] = saved as [tf.Tensor2D, tf.Tensor, tf.Tensor];
        const dBeta = columnSums(dy as tf.Tensor2D);
        const dGamma = columnSums(tf.mul(dy, savedXHat) as tf.Tensor2D);
        const scale = tf.mul(savedGamma, savedInvStd); // γ/σ per channel
        const dx = tf.sub(tf.mul(dy, scale), tf.add(tf.mul(savedXHat, tf.mul(scale, tf.div(dGamma, rows))), tf.mul(scale, tf.div(dBeta, rows))));
        return [dx, tf.reshape(dGamma, g!.shape), tf.reshape(dBeta, b!.shape)];
      },
    };
  });
  const y = normalise(x, gamma, beta);
  const stats = { mean: tf.reshape(mean, [-1]), variance: tf.reshape(variance, [-1]) };
  tf.dispose([mean, variance]);
  return { y, ...stats };
}
