import * as tf from '@tensorflow/tfjs-core';
import type { AttentionKind } from '../attention/attention-map.js';
import { BatchNorm } from '../nn/batch-norm.js';
import { LBR } from '../nn/lbr.js';
import { Module, type SeedStream } from '../nn/module.js';
import { Pointwise } from '../nn/pointwise.js';
import { AttentionLayer } from './attention-layer.js';
import type { ForwardContext } from './forward-context.js';

/**
 * PCT's `Point_Transformer_Last`: two LBRs (C → C) then four stacked attention layers `sa1..sa4`
 * whose outputs are concatenated: [B, N, C] → [B, N, 4C]. The reference (`pt_last`) has C = 256.
 *
 * @example
 * ```ts
 * const stack = new AttentionStack(256, 'offset');
 * const y = stack.apply(features, xyz, { training: false }); // [B, 256, 1024]
 * ```
 */
export class AttentionStack extends Module {
  readonly lbr1: LBR;
  readonly lbr2: LBR;
  readonly layers: AttentionLayer[];

  constructor(readonly channels: number, kind: AttentionKind, options: { layers?: number; tieQueryKey?: boolean; seeds?: SeedStream } = {}) {
    super();
    const seeds = options.seeds ?? (() => undefined);
    const conv = () => new Pointwise(channels, channels, { bias: false, seed: seeds() });
    const conv1 = this.addChild('conv1', conv());
    const conv2 = this.addChild('conv2', conv());
    this.lbr1 = new LBR(conv1, this.addChild('bn1', new BatchNorm(channels)));
    this.lbr2 = new LBR(conv2, this.addChild('bn2', new BatchNorm(channels)));
    const tieQueryKey = options.tieQueryKey ?? true;
    this.layers = Array.from({ length: options.layers ?? 4 }, (_, i) =>
      this.addChild(`sa${i + 1}`, new AttentionLayer(channels, { kind, tieQueryKey, seeds })));
  }

  /**
   * `x` [B, N, C] on the points `xyz` [B, N, 3] → [B, N, layers·C]. `prefix` is this module's
   * state-dict name, used to name recorded attention maps ('pt_last' → 'pt_last.sa1', …).
   */
  apply(x: tf.Tensor3D, xyz: tf.Tensor3D, ctx: ForwardContext, prefix = 'pt_last'): tf.Tensor3D {
    return tf.tidy(() => {
      let h = this.lbr2.apply(this.lbr1.apply(x, ctx.training), ctx.training) as tf.Tensor3D;
      const outs = this.layers.map((layer, i) => (h = layer.apply(h, ctx, `${prefix}.sa${i + 1}`, xyz)));
      return tf.concat(outs, 2) as tf.Tensor3D;
    });
  }
}
