import * as tf from '@tensorflow/tfjs-core';
import type { AttentionMap } from '../attention/attention-map.js';
import type { StateDict } from '../nn/host-tensor.js';
import { Module, seedStream } from '../nn/module.js';
import { getStateDict, getStateDictAsync, loadStateDict, type LoadStateDictOptions } from '../weights/state-dict.js';
import { ClassificationHead } from './classification-head.js';
import { PCTEncoder } from './encoder.js';
import type { ForwardContext } from './forward-context.js';
import { type PCTConfig, type PCTOptions, resolvePCTConfig } from './pct-config.js';
import { SegmentationHead } from './segmentation-head.js';

/** Options of {@link PCTModel.predict}. */
export interface PredictOptions {
  /**
   * Return each attention layer's {@link AttentionMap}: `true` with its full [B, N, N] matrix,
   * `'factors'` with only the query/key projections (enough for `attentionRow` and the statistics,
   * O(N·d) memory). Default false, which lets fused kernels run.
   */
  returnAttention?: boolean | 'factors';
  /** Segmentation with categories: each cloud's object category, int [B]. */
  categories?: tf.Tensor1D | number[];
}

/** What {@link PCTModel.predict} returns; the caller owns (and disposes) every tensor. */
export interface Prediction {
  /** Classification: [B, classes]; segmentation: [B, N, parts] (one row per input point). */
  logits: tf.Tensor;
  /** Per attention layer, in order (`pt_last.sa1` … `pt_last.sa4`); on request only. */
  attention?: AttentionMap[];
}

/** Options of {@link PCTModel.apply}. */
export interface ApplyOptions {
  /** Training mode: batch statistics (running statistics updated), dropout. Default false. */
  training?: boolean;
  /** Seed for dropout masks. */
  seed?: number;
  /** Segmentation with categories: each cloud's object category, int [B]. */
  categories?: tf.Tensor1D | number[];
}

/**
 * A PCT, SPCT or NPCT network (classification or part segmentation) on tfjs, channels-last
 * ([B, N, C] everywhere; the reference's Conv1d/Linear weights are transposed on load/save).
 * Weights are tfjs variables, so `tf.variableGrads` / optimizers train it; BatchNorm and dropout
 * follow PyTorch's train/eval semantics.
 *
 * @example
 * ```ts
 * const model = createPCT({ variant: 'pct', numClasses: 40 });
 * const { logits, attention } = model.predict(points, { returnAttention: true }); // [B, 40]
 * // training step
 * const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(labels, model.apply(points, { training: true })) as tf.Scalar);
 * ```
 */
export class PCTModel extends Module {
  readonly config: PCTConfig;
  readonly encoder: PCTEncoder;
  readonly head: ClassificationHead | SegmentationHead;

  constructor(options: PCTOptions) {
    super();
    this.config = resolvePCTConfig(options);
    const seeds = seedStream(this.config.seed);
    this.encoder = this.addChild('', new PCTEncoder(this.config, seeds));
    const c = this.config;
    this.head = this.addChild('', c.task === 'classification'
      ? new ClassificationHead(c.numClasses, c.dropout, seeds)
      : new SegmentationHead(c.numClasses, c.numCategories, c.dropout, seeds));
  }

  /**
   * Inference (evaluation mode): `points` [B, N, 3] → logits, and attention maps on request.
   *
   * @example
   * ```ts
   * const { logits } = model.predict(tf.randomUniform([1, 1024, 3], -1, 1) as tf.Tensor3D);
   * ```
   */
  predict(points: tf.Tensor3D, options: PredictOptions = {}): Prediction {
    const ctx: ForwardContext = { training: false };
    if (options.returnAttention) ctx.attention = { mode: options.returnAttention === true ? 'matrices' : 'factors', maps: [] };
    const logits = tf.tidy(() => this.forward(points, ctx, options.categories));
    return ctx.attention ? { logits, attention: ctx.attention.maps } : { logits };
  }

  /**
   * The forward pass as one differentiable function of the variables, for training loops:
   * `points` [B, N, 3] → logits. In training mode it updates BatchNorm running statistics (B·N
   * must exceed 1 per channel: use B ≥ 2, as PyTorch requires for the head's BatchNorm).
   *
   * @example
   * ```ts
   * const opt = tf.train.adam(1e-3);
   * opt.minimize(() => tf.losses.softmaxCrossEntropy(oneHotLabels, model.apply(points, { training: true })) as tf.Scalar);
   * ```
   */
  apply(points: tf.Tensor3D, options: ApplyOptions = {}): tf.Tensor {
    const ctx: ForwardContext = { training: options.training ?? false, ...(options.seed === undefined ? {} : { seed: options.seed }) };
    return tf.tidy(() => this.forward(points, ctx, options.categories));
  }

  /**
   * Weights and statistics in PyTorch layout under the reference names.
   *
   * @example
   * ```ts
   * model.stateDict().get('pt_last.sa1.q_conv.weight')!.shape; // [64, 256, 1]
   * ```
   */
  stateDict(): StateDict {
    return getStateDict(this);
  }

  /**
   * {@link stateDict} with the weights read asynchronously — what training uses: webgpu in Node
   * has no synchronous read.
   *
   * @example
   * ```ts
   * const sd = await model.stateDictAsync();
   * ```
   */
  stateDictAsync(): Promise<StateDict> {
    return getStateDictAsync(this);
  }

  /**
   * Loads a state dict (e.g. from `readCheckpoint`); see {@link loadStateDict}.
   *
   * @example
   * ```ts
   * model.loadStateDict(readCheckpoint(buffer, { fileName: 'model.t7' }));
   * ```
   */
  loadStateDict(stateDict: StateDict, options?: LoadStateDictOptions): void {
    loadStateDict(this, stateDict, options);
  }

  private forward(points: tf.Tensor3D, ctx: ForwardContext, categories?: tf.Tensor1D | number[]): tf.Tensor {
    const { features } = this.encoder.apply(points, ctx);
    if (this.head instanceof ClassificationHead) return this.head.apply(features, ctx);
    const cats = categories === undefined ? undefined : Array.isArray(categories) ? tf.tensor1d(categories, 'int32') : categories;
    return this.head.apply(features, cats, ctx);
  }
}

/**
 * Creates a PCT-family network with fresh (PyTorch-default) weights.
 *
 * @example
 * ```ts
 * const pct = createPCT({ variant: 'pct', task: 'classification', numClasses: 40 });
 * const seg = createPCT({ variant: 'spct', task: 'segmentation', numClasses: 50, numCategories: 16 });
 * const tiny = createPCT({ numClasses: 10, stages: [{ numSamples: 32, k: 8 }, { numSamples: 16, k: 8 }] });
 * ```
 */
export function createPCT(options: PCTOptions): PCTModel {
  return new PCTModel(options);
}
