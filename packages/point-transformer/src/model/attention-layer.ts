import * as tf from '@tensorflow/tfjs-core';
import { scaledDotProductAttention } from '@heed/attention';
import { offsetAttention } from '../attention/offset-attention.js';
import type { AttentionKind } from '../attention/attention-map.js';
import { BatchNorm } from '../nn/batch-norm.js';
import { LBR } from '../nn/lbr.js';
import { Module, Param, type SeedStream } from '../nn/module.js';
import { Pointwise } from '../nn/pointwise.js';
import type { ForwardContext } from './forward-context.js';

/** Options of {@link AttentionLayer}. */
export interface AttentionLayerOptions {
  kind: AttentionKind;
  /** Share one weight between the query and key projections, as the reference port does. */
  tieQueryKey: boolean;
  seeds?: SeedStream;
}

/**
 * PCT's `SA_Layer`, channels-last, for offset-attention (PCT, SPCT) or plain self-attention (NPCT):
 *
 * ```
 * q = x·Wq, k = x·Wk (C → C/4, no bias; the reference ties Wq = Wk), v = x·Wv + bv (C → C)
 * offset:     x_r = offsetAttention(q, k, v);          y = x − x_r
 * scaled-dot: x_r = softmax(q·kᵀ/√(C/4))·v;            y = x_r
 * out = x + ReLU(after_norm(trans_conv(y)))            trans_conv: C → C with bias
 * ```
 *
 * State (reference names): `q_conv.weight`, `k_conv.weight`, `v_conv.{weight,bias}`,
 * `trans_conv.{weight,bias}`, `after_norm.*`. With tied projections both keys name one variable.
 *
 * @example
 * ```ts
 * const sa = new AttentionLayer(256, { kind: 'offset', tieQueryKey: true });
 * const y = sa.apply(tf.randomNormal([1, 256, 256]) as tf.Tensor3D, { training: false }); // [1, 256, 256]
 * ```
 */
export class AttentionLayer extends Module {
  readonly query: Param;
  readonly key: Param;
  readonly value: Pointwise;
  readonly trans: Pointwise;
  readonly afterNorm: BatchNorm;
  /** trans_conv, after_norm and the ReLU: folded into one matMul in evaluation. */
  private readonly transform: LBR;

  constructor(readonly channels: number, readonly options: AttentionLayerOptions) {
    super();
    if (channels % 4 !== 0) throw new Error(`AttentionLayer: channels must be divisible by 4, got ${channels}`);
    const seeds = options.seeds ?? (() => undefined);
    const qk = () => new Pointwise(channels, channels / 4, { bias: false, seed: seeds() });
    const q = this.addChild('q_conv', qk());
    const k = options.tieQueryKey ? q : this.addChild('k_conv', qk());
    if (options.tieQueryKey) this.addChild('k_conv', q); // one variable under both names
    this.query = q.weight;
    this.key = k.weight;
    this.value = this.addChild('v_conv', new Pointwise(channels, channels, { seed: seeds() }));
    this.trans = this.addChild('trans_conv', new Pointwise(channels, channels, { seed: seeds() }));
    this.afterNorm = this.addChild('after_norm', new BatchNorm(channels));
    this.transform = new LBR(this.trans, this.afterNorm);
  }

  /** `x` [B, N, C] → [B, N, C]; records the layer's attention in `ctx` when asked to. */
  apply(x: tf.Tensor3D, ctx: ForwardContext, name = '', xyz?: tf.Tensor3D): tf.Tensor3D {
    return tf.tidy(() => {
      const [b, n] = x.shape;
      const project = (w: Param) => tf.reshape(tf.matMul(tf.reshape(x, [-1, this.channels]), w.variable), [b, n, this.channels / 4]) as tf.Tensor3D;
      const q = project(this.query);
      const k = this.key === this.query ? q : project(this.key);
      const v = this.value.apply(x) as tf.Tensor3D;
      const returnWeights = ctx.attention?.mode === 'matrices';
      let y: tf.Tensor, matrix: tf.Tensor3D | undefined;
      const d = this.channels / 4;
      if (this.options.kind === 'offset') {
        const r = offsetAttention(q, k, v, { returnWeights });
        y = tf.sub(x, r.output);
        matrix = r.weights;
      } else {
        const r = scaledDotProductAttention(q, k, v, { scale: 1 / Math.sqrt(d), returnWeights });
        y = r.output;
        matrix = r.weights as tf.Tensor3D | undefined;
      }
      if (ctx.attention && xyz) {
        const scale = this.options.kind === 'offset' ? 1 : 1 / Math.sqrt(d);
        ctx.attention.maps.push({ name, kind: this.options.kind, xyz: tf.keep(tf.clone(xyz)), query: tf.keep(q), key: tf.keep(k), scale, epsilon: 1e-9, ...(matrix ? { matrix: tf.keep(matrix) } : {}) });
      }
      return tf.add(x, this.transform.apply(y, ctx.training)) as tf.Tensor3D;
    });
  }
}
