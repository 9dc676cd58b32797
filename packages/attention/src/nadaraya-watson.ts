/**
 * Nadaraya–Watson kernel regression, the oldest form of attention pooling: the prediction at x is
 * Σᵢ αᵢ yᵢ with αᵢ = K((x − xᵢ)/width) / Σⱼ K((x − xⱼ)/width). Queries are x, keys xᵢ, values yᵢ.
 */
import * as tf from '@tensorflow/tfjs-core';
import { maskedSoftmax } from './masked-softmax.js';

/** Kernel K(u) of {@link nadarayaWatson}. */
export type NadarayaWatsonKernel = 'gaussian' | 'boxcar' | 'epanechikov' | 'triangular' | 'constant';

/** Options of {@link nadarayaWatson}. */
export interface NadarayaWatsonOptions {
  /**
   * gaussian exp(−u²/2); boxcar 1[|u| < 1]; epanechikov max(1 − u², 0); triangular
   * max(1 − |u|, 0); constant 1 (plain average). Default 'gaussian'.
   */
  kernel?: NadarayaWatsonKernel;
  /** Bandwidth > 0: a number, or a scalar tensor (e.g. a tf.Variable) to differentiate. Default 1. */
  width?: number | tf.Tensor;
  /** Boolean [m, n]: `true` where query i may use training point j. */
  mask?: tf.Tensor;
  /**
   * Each query i ignores training point i (requires m = n; meant for xQuery = xTrain). Leave-one-out
   * is what makes the width learnable: with it off, the training loss is minimised by width → 0.
   */
  leaveOneOut?: boolean;
}

/** Output of {@link nadarayaWatson}. */
export interface NadarayaWatsonResult {
  /** [m] for yTrain [n], [m, dy] for yTrain [n, dy]. */
  output: tf.Tensor;
  /** [m, n], each row summing to 1 (or all zeros: no training point within reach). */
  weights: tf.Tensor;
}

/**
 * Nadaraya–Watson regression of yTrain on xTrain, evaluated at xQuery.
 *
 * Inputs are scalars (xTrain [n], xQuery [m]) or d-vectors (xTrain [n, d], xQuery [m, d]); for
 * vectors, u = ‖x − xᵢ‖₂ / width (an isotropic kernel on the Euclidean distance; the kernels are
 * then not normalised densities, which the weights do not need). A query that no training point
 * reaches (all K = 0, e.g. a boxcar far from the data) gets zero weights and output, and finite
 * gradients. The gaussian weights are computed as a softmax of −u²/2, so they never underflow:
 * far from the data they select the nearest points rather than vanishing.
 *
 * @example
 * ```ts
 * const xTrain = tf.tensor1d([0, 1, 2, 3]), yTrain = tf.tensor1d([0, 1, 4, 9]);
 * const { output, weights } = nadarayaWatson(xTrain, yTrain, tf.tensor1d([1.5]), { kernel: 'epanechikov', width: 1 });
 * // weights [[0, 0.5, 0.5, 0]] (points 0 and 3 are 1.5 away: outside the kernel), output [2.5]
 * ```
 */
export function nadarayaWatson(
  xTrain: tf.Tensor,
  yTrain: tf.Tensor,
  xQuery: tf.Tensor,
  { kernel = 'gaussian', width = 1, mask, leaveOneOut = false }: NadarayaWatsonOptions = {},
): NadarayaWatsonResult {
  checkShapes(xTrain, yTrain, xQuery);
  const m = xQuery.shape[0]!, n = xTrain.shape[0]!;
  if (leaveOneOut && m !== n) throw new Error(`nadarayaWatson: leaveOneOut needs as many queries as training points, got ${m} and ${n}`);
  if (typeof width === 'number' && !(width > 0)) throw new Error(`nadarayaWatson: width must be > 0, got ${width}`);
  return tf.tidy(() => {
    const keep = keepMask(m, n, mask, leaveOneOut);
    const u2 = tf.div(squaredDistances(xQuery, xTrain), tf.square(width));
    const weights = kernel === 'gaussian' ? maskedSoftmax(tf.mul(u2, -0.5), { mask: keep }) : normalizeRows(kernelValues(kernel, u2), keep);
    const y2 = yTrain.rank === 1 ? tf.reshape(yTrain, [n, 1]) : yTrain;
    const pooled = tf.matMul(weights, tf.cast(y2, 'float32'));
    return { output: yTrain.rank === 1 ? tf.reshape(pooled, [m]) : pooled, weights };
  });
}

/** ‖xq_i − xt_j‖² [m, n] by explicit differences (no ‖a‖² + ‖b‖² − 2ab cancellation). */
function squaredDistances(xQuery: tf.Tensor, xTrain: tf.Tensor): tf.Tensor {
  const asRows = (x: tf.Tensor) => (x.rank === 1 ? tf.reshape(x, [-1, 1]) : x);
  const diff = tf.sub(tf.expandDims(asRows(xQuery), 1), tf.expandDims(asRows(xTrain), 0));
  return tf.sum(tf.square(diff), -1);
}

/** K(u) for the kernels other than gaussian, from u². Comparisons use greaterEqual: it has a gradient. */
function kernelValues(kernel: Exclude<NadarayaWatsonKernel, 'gaussian'>, u2: tf.Tensor): tf.Tensor {
  switch (kernel) {
    case 'boxcar': return tf.where(tf.greaterEqual(u2, 1), tf.zerosLike(u2), tf.onesLike(u2));
    case 'epanechikov': return tf.relu(tf.sub(1, u2));
    // √(u² + tiny) keeps d|u|/du finite at u = 0 (a training point exactly at the query).
    case 'triangular': return tf.relu(tf.sub(1, tf.sqrt(tf.add(u2, 1e-30))));
    case 'constant': return tf.onesLike(u2);
    default: throw new Error(`nadarayaWatson: unknown kernel "${kernel as string}"`);
  }
}

/** K / ΣK per row, with masked entries zeroed; a row with ΣK = 0 is divided by 1 and stays zero. */
function normalizeRows(k: tf.Tensor, keep: tf.Tensor | undefined): tf.Tensor {
  const kept = keep ? tf.mul(k, tf.cast(keep, 'float32')) : k;
  const sum = tf.sum(kept, -1, true);
  const safe = tf.where(tf.greaterEqual(tf.zerosLike(sum), sum), tf.onesLike(sum), sum);
  return tf.div(kept, safe);
}

function keepMask(m: number, n: number, mask: tf.Tensor | undefined, leaveOneOut: boolean): tf.Tensor | undefined {
  if (mask && mask.dtype !== 'bool') throw new Error(`nadarayaWatson: mask must be bool, got ${mask.dtype}`);
  if (!leaveOneOut) return mask;
  const offDiagonal = tf.logicalNot(tf.cast(tf.eye(m, n), 'bool'));
  return mask ? tf.logicalAnd(mask, offDiagonal) : offDiagonal;
}

function checkShapes(xTrain: tf.Tensor, yTrain: tf.Tensor, xQuery: tf.Tensor): void {
  const where = 'nadarayaWatson';
  if (xTrain.rank < 1 || xTrain.rank > 2 || xQuery.rank !== xTrain.rank) {
    throw new Error(`${where}: xTrain and xQuery must both be [n] or [n, d]; got [${xTrain.shape}], [${xQuery.shape}]`);
  }
  if (xTrain.rank === 2 && xTrain.shape[1] !== xQuery.shape[1]) {
    throw new Error(`${where}: feature sizes differ: xTrain [${xTrain.shape}], xQuery [${xQuery.shape}]`);
  }
  if (yTrain.rank < 1 || yTrain.rank > 2 || yTrain.shape[0] !== xTrain.shape[0]) {
    throw new Error(`${where}: yTrain must be [${xTrain.shape[0]}] or [${xTrain.shape[0]}, dy], got [${yTrain.shape}]`);
  }
}

/** Configuration of {@link ParametricNadarayaWatson}. */
export interface ParametricNadarayaWatsonConfig {
  /** Default 'gaussian'. The width of 'boxcar' and 'constant' gets no gradient (they are flat in u). */
  kernel?: NadarayaWatsonKernel;
  /** Initial width, > 0. Default 1. */
  width?: number;
}

/** Options of {@link ParametricNadarayaWatson.fit}. */
export interface NadarayaWatsonFitOptions {
  /** Gradient steps. Default 100. */
  epochs?: number;
  /** Default `tf.train.adam(learningRate)`. */
  optimizer?: tf.Optimizer;
  /** Used only when no optimizer is given. Default 0.05. */
  learningRate?: number;
}

/**
 * Nadaraya–Watson regression over a fixed training set whose kernel width is learned by gradient
 * descent on the leave-one-out squared error (each training point predicted from the others).
 *
 * The variable is the log of the width, so the width stays positive and steps are relative: the
 * same learning rate moves a width of 5 and one of 0.05 by similar factors.
 *
 * @example
 * ```ts
 * const model = new ParametricNadarayaWatson(xTrain, yTrain, { kernel: 'gaussian', width: 5 });
 * const losses = await model.fit({ epochs: 200, learningRate: 0.05 });
 * const { output } = model.predict(xTest); // tidy-managed by the caller
 * console.log(model.width, losses.at(-1));
 * model.dispose();
 * ```
 */
export class ParametricNadarayaWatson {
  /** log(width), trainable. */
  readonly logWidth: tf.Variable;
  readonly kernel: NadarayaWatsonKernel;
  private readonly xTrain: tf.Tensor;
  private readonly yTrain: tf.Tensor;

  /** Keeps copies of xTrain [n] or [n, d] and yTrain [n] or [n, dy]; release them with {@link dispose}. */
  constructor(xTrain: tf.Tensor, yTrain: tf.Tensor, { kernel = 'gaussian', width = 1 }: ParametricNadarayaWatsonConfig = {}) {
    checkShapes(xTrain, yTrain, xTrain);
    if (!(width > 0)) throw new Error(`ParametricNadarayaWatson: width must be > 0, got ${width}`);
    this.kernel = kernel;
    this.xTrain = tf.keep(tf.clone(xTrain));
    this.yTrain = tf.keep(tf.cast(yTrain, 'float32'));
    this.logWidth = tf.variable(tf.scalar(Math.log(width)), true);
  }

  /** The current width (reads the variable back; synchronous). */
  get width(): number {
    return Math.exp(this.logWidth.dataSync()[0]!);
  }

  /** Predicts at xQuery ([m] or [m, d]) from all training points with the current width. */
  predict(xQuery: tf.Tensor): NadarayaWatsonResult {
    const width = tf.exp(this.logWidth);
    try {
      return nadarayaWatson(this.xTrain, this.yTrain, xQuery, { kernel: this.kernel, width });
    } finally {
      width.dispose();
    }
  }

  /** Mean squared leave-one-out error on the training set: the objective of {@link trainStep}. */
  leaveOneOutLoss(): tf.Scalar {
    return tf.tidy(() => {
      const { output } = nadarayaWatson(this.xTrain, this.yTrain, this.xTrain, {
        kernel: this.kernel, width: tf.exp(this.logWidth), leaveOneOut: true,
      });
      return tf.mean(tf.square(tf.sub(output, this.yTrain)));
    });
  }

  /** One optimizer step on the leave-one-out loss; returns that loss (before the step). The caller disposes it. */
  trainStep(optimizer: tf.Optimizer): tf.Scalar {
    return optimizer.minimize(() => this.leaveOneOutLoss(), true, [this.logWidth])!;
  }

  /**
   * Runs `epochs` steps and resolves to the loss of each. Losses are read back once at the end,
   * so the loop never waits on the GPU. An optimizer made here is disposed here.
   */
  async fit({ epochs = 100, optimizer, learningRate = 0.05 }: NadarayaWatsonFitOptions = {}): Promise<number[]> {
    const opt = optimizer ?? tf.train.adam(learningRate);
    const losses: tf.Scalar[] = [];
    try {
      for (let i = 0; i < epochs; i++) losses.push(this.trainStep(opt));
      return await Promise.all(losses.map(async (l) => (await l.data())[0]!));
    } finally {
      tf.dispose(losses);
      if (!optimizer) opt.dispose();
    }
  }

  /** Releases the width variable and the stored training set. */
  dispose(): void {
    tf.dispose([this.logWidth, this.xTrain, this.yTrain]);
  }
}
