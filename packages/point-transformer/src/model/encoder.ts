import * as tf from '@tensorflow/tfjs-core';
import { BatchNorm } from '../nn/batch-norm.js';
import { LBR } from '../nn/lbr.js';
import { Module, type SeedStream } from '../nn/module.js';
import { Pointwise } from '../nn/pointwise.js';
import { checkPoints } from '../sampling/point-tensors.js';
import { AttentionStack } from './attention-stack.js';
import type { ForwardContext } from './forward-context.js';
import { NeighbourEmbedding } from './neighbour-embedding.js';
import type { PCTConfig } from './pct-config.js';

/** What {@link PCTEncoder} computes. */
export interface EncodedPoints {
  /** The points the attention layers work on, [B, S, 3] (PCT: second-stage centres; else all). */
  xyz: tf.Tensor3D;
  /** Per-point features after `conv_fuse`, [B, S, 1024]. */
  features: tf.Tensor3D;
}

/**
 * The encoder every PCT variant shares (one parameterised module, not three copies):
 *
 * ```
 * points [B, N, 3] → LBR conv1/bn1 (3 → e) → LBR conv2/bn2 (e → e)
 *   → neighbour embedding (PCT: gather_local_0, gather_local_1; SPCT/NPCT: none)   [B, S, C]
 *   → pt_last: LBR, LBR, sa1..sa4 (offset or scaled-dot attention), concat          [B, S, 4C]
 *   → concat with the attention input                                               [B, S, 5C]
 *   → conv_fuse: LBR (5C → 1024, LeakyReLU 0.2)                                     [B, S, 1024]
 * ```
 *
 * With the reference settings (PCT, e = 64, C = 256) this is the reference port's `Pct` up to its
 * global pooling; state-dict names are the reference's (`conv1.weight`, `gather_local_0.bn1.*`,
 * `pt_last.sa1.q_conv.weight`, `conv_fuse.0.weight`, …).
 *
 * @example
 * ```ts
 * const enc = new PCTEncoder(resolvePCTConfig({ numClasses: 40 }));
 * const { xyz, features } = enc.apply(points, { training: false }); // [B, 256, 3], [B, 256, 1024]
 * ```
 */
export class PCTEncoder extends Module {
  readonly lbr1: LBR;
  readonly lbr2: LBR;
  readonly neighbour?: NeighbourEmbedding;
  readonly stack: AttentionStack;
  readonly fuse: LBR;

  constructor(readonly config: PCTConfig, seeds: SeedStream) {
    super();
    const e = config.embeddingChannels, c = config.attentionChannels;
    const conv1 = this.addChild('conv1', new Pointwise(3, e, { bias: false, seed: seeds() }));
    const conv2 = this.addChild('conv2', new Pointwise(e, e, { bias: false, seed: seeds() }));
    this.lbr1 = new LBR(conv1, this.addChild('bn1', new BatchNorm(e)));
    this.lbr2 = new LBR(conv2, this.addChild('bn2', new BatchNorm(e)));
    if (config.stages.length > 0) this.neighbour = this.addChild('', new NeighbourEmbedding(e, config.stages, seeds));
    this.stack = this.addChild('pt_last', new AttentionStack(c, config.attention, { tieQueryKey: config.tieQueryKey, seeds }));
    const fuse = this.addChild('conv_fuse.0', new Pointwise(5 * c, 1024, { bias: false, seed: seeds() }));
    this.fuse = new LBR(fuse, this.addChild('conv_fuse.1', new BatchNorm(1024)), 'leaky-relu');
  }

  /** points [B, N, 3] → per-point features on the attention layers' points. */
  apply(points: tf.Tensor3D, ctx: ForwardContext): EncodedPoints {
    checkPoints('PCT', 'points', points);
    return tf.tidy(() => {
      const f = this.lbr2.apply(this.lbr1.apply(points, ctx.training), ctx.training) as tf.Tensor3D;
      const { xyz, features } = this.neighbour
        ? this.neighbour.apply({ xyz: points, features: f }, ctx.training)
        : { xyz: points, features: f };
      const attended = this.stack.apply(features, xyz, ctx);
      const fused = this.fuse.apply(tf.concat([attended, features], 2), ctx.training) as tf.Tensor3D;
      return { xyz: tf.clone(xyz), features: fused };
    });
  }
}
