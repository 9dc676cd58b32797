import * as tf from '@tensorflow/tfjs-core';
import { BatchNorm } from '../nn/batch-norm.js';
import { LBR } from '../nn/lbr.js';
import { maxOver } from '../nn/max-over.js';
import { Module, type SeedStream } from '../nn/module.js';
import { Pointwise } from '../nn/pointwise.js';
import type { ForwardContext } from './forward-context.js';

/**
 * Part segmentation head after the paper (§3.4, Fig. 2): each point's `conv_fuse` feature (1024)
 * is concatenated with the global max- and average-pooled features (1024 each) and, when the
 * model has categories, a 64-d embedding of the object's one-hot category; shared MLPs then label
 * every point: `convs1` (3072 [+64] → 512, bias) + `bns1` + ReLU + dropout, `convs2` (512 → 256,
 * bias) + `bns2` + ReLU, `convs3` (256 → parts).
 *
 * The reference port (Strawberry-Eat-Mango/PCT_Pytorch) has no segmentation model; these names
 * (`label_conv.0/1`, `convs1..3`, `bns1/2`) follow the widely used part-segmentation port of PCT.
 * [B, N, 1024] (+ categories [B]) → logits [B, N, parts].
 *
 * @example
 * ```ts
 * const head = new SegmentationHead(50, 16, 0.5, () => undefined);
 * const logits = head.apply(features, tf.tensor1d([3], 'int32'), { training: false }); // [1, N, 50]
 * ```
 */
export class SegmentationHead extends Module {
  readonly label?: LBR;
  readonly mlp1: LBR;
  readonly mlp2: LBR;
  readonly out: Pointwise;

  constructor(readonly numParts: number, readonly numCategories: number, readonly dropout: number, seeds: SeedStream) {
    super();
    if (numCategories > 0) {
      const conv = this.addChild('label_conv.0', new Pointwise(numCategories, 64, { bias: false, seed: seeds() }));
      this.label = new LBR(conv, this.addChild('label_conv.1', new BatchNorm(64)), 'leaky-relu');
    }
    const inChannels = 3 * 1024 + (numCategories > 0 ? 64 : 0);
    const convs1 = this.addChild('convs1', new Pointwise(inChannels, 512, { seed: seeds() }));
    const convs2 = this.addChild('convs2', new Pointwise(512, 256, { seed: seeds() }));
    this.out = this.addChild('convs3', new Pointwise(256, numParts, { seed: seeds() }));
    this.mlp1 = new LBR(convs1, this.addChild('bns1', new BatchNorm(512)));
    this.mlp2 = new LBR(convs2, this.addChild('bns2', new BatchNorm(256)));
  }

  /** features [B, N, 1024], categories int32 [B] (when the head has categories) → [B, N, parts]. */
  apply(features: tf.Tensor3D, categories: tf.Tensor1D | undefined, ctx: ForwardContext): tf.Tensor3D {
    const [b] = features.shape;
    if (this.label && (!categories || categories.shape[0] !== b)) {
      throw new Error(`PCT segmentation: expected one category per cloud (${b}), got ${categories ? `[${categories.shape}]` : 'none'}`);
    }
    return tf.tidy(() => {
      const global = [maxOver(features, 1), tf.mean(features, 1)];
      // an int32 one-hot cast to float: tfjs-backend-wasm 4.22's OneHot ignores a float32 dtype
      // and writes integer bits (1 reads as 1.4e-45), which hid the category on wasm
      if (this.label) global.push(this.label.apply(tf.cast(tf.oneHot(tf.cast(categories!, 'int32'), this.numCategories), 'float32'), ctx.training));
      const perCloud = tf.concat(global, 1); // [B, 2048 (+64)]
      // convs1 of concat[per-point, per-cloud tiled over the points], without tiling: the per-cloud
      // term is computed once per cloud and broadcast (tile's gradient alone was a quarter of a step)
      const parts = [features, tf.expandDims(perCloud, 1)];
      // In evaluation with bns1 folded into the weights (see LBR).
      let h = ctx.training
        ? tf.relu(this.mlp1.norm.apply(this.mlp1.linear.applyConcat(parts), true))
        : tf.relu(this.mlp1.linear.applyConcat(parts, this.mlp1.foldedWeights()));
      if (ctx.training && this.dropout > 0) h = tf.dropout(h, this.dropout, undefined, ctx.seed);
      return this.out.apply(this.mlp2.apply(h, ctx.training)) as tf.Tensor3D;
    });
  }
}
