import * as tf from '@tensorflow/tfjs-core';
import { BatchNorm } from '../nn/batch-norm.js';
import { LBR } from '../nn/lbr.js';
import { Module, type SeedStream } from '../nn/module.js';
import { Pointwise } from '../nn/pointwise.js';
import type { ForwardContext } from './forward-context.js';

/**
 * The reference port's classifier after `conv_fuse`: global max pool over points, then
 * `linear1` (1024 → 512, no bias), `bn6`, LeakyReLU 0.2, dropout, `linear2` (512 → 256, bias),
 * `bn7`, LeakyReLU 0.2, dropout, `linear3` (256 → classes). [B, S, 1024] → logits [B, classes].
 *
 * @example
 * ```ts
 * const head = new ClassificationHead(40, 0.5, () => undefined);
 * const logits = head.apply(features, { training: false }); // [B, 40]
 * ```
 */
export class ClassificationHead extends Module {
  readonly lbr6: LBR;
  readonly lbr7: LBR;
  readonly out: Pointwise;

  constructor(readonly numClasses: number, readonly dropout: number, seeds: SeedStream) {
    super();
    const linear1 = this.addChild('linear1', new Pointwise(1024, 512, { torch: 'linear', bias: false, seed: seeds() }));
    this.lbr6 = new LBR(linear1, this.addChild('bn6', new BatchNorm(512)), 'leaky-relu');
    const linear2 = this.addChild('linear2', new Pointwise(512, 256, { torch: 'linear', seed: seeds() }));
    this.lbr7 = new LBR(linear2, this.addChild('bn7', new BatchNorm(256)), 'leaky-relu');
    this.out = this.addChild('linear3', new Pointwise(256, numClasses, { torch: 'linear', seed: seeds() }));
  }

  /** features [B, S, 1024] → logits [B, classes]. */
  apply(features: tf.Tensor3D, ctx: ForwardContext): tf.Tensor2D {
    return tf.tidy(() => {
      const drop = (x: tf.Tensor, i: number) =>
        ctx.training && this.dropout > 0 ? tf.dropout(x, this.dropout, undefined, ctx.seed === undefined ? undefined : ctx.seed + i) : x;
      let x: tf.Tensor = tf.max(features, 1);
      x = drop(this.lbr6.apply(x, ctx.training), 0);
      x = drop(this.lbr7.apply(x, ctx.training), 1);
      return this.out.apply(x) as tf.Tensor2D;
    });
  }
}
