import * as tf from '@tensorflow/tfjs-core';
import { initializers, layers, type LayerVariable, type Shape } from '@tensorflow/tfjs-layers';
import { additiveAttention } from '../additive-attention.js';
import type { MaskOptions } from '../masked-softmax.js';

type LayerArgs = NonNullable<ConstructorParameters<typeof layers.Layer>[0]>;
type Kwargs = Parameters<layers.Layer['call']>[1];

/** Configuration of {@link AdditiveAttention}. */
export interface AdditiveAttentionLayerArgs extends LayerArgs {
  /** Hidden size h of the additive score. */
  units: number;
  /** Dropout rate on the attention weights, applied only when called with `{ training: true }`. Default 0. */
  dropout?: number;
  /**
   * When true the layer outputs `[output, weights]` (weights [..., Tq, Tk]) instead of `output`,
   * in eager calls and in models alike. Default false.
   */
  returnWeights?: boolean;
  /** Seed of the Glorot-uniform initialisation of wq, wk and wv. */
  seed?: number;
}

/**
 * Additive (Bahdanau) attention as a tfjs-layers Layer, with trainable wq [dq, units],
 * wk [dk, units] and wv [units] (see `additiveAttention`). Called on `[queries, keys, values]`
 * ([..., Tq, dq], [..., Tk, dk], [..., Tk, dv]); outputs [..., Tq, dv], or `[output, weights]` with
 * `returnWeights: true` (the weights come out of the call rather than being cached on the layer, so
 * they work inside models and never leak). Eager calls also accept masking kwargs:
 * `layer.apply([q, k, v], { validLens: [5, 3] })` or `{ attentionMask: boolTensor }`.
 * Serialisable: registered as `Heed>AdditiveAttention`.
 *
 * @example
 * ```ts
 * const q = tf.input({ shape: [1, 20] }), k = tf.input({ shape: [10, 2] }), v = tf.input({ shape: [10, 4] });
 * const out = new AdditiveAttention({ units: 8 }).apply([q, k, v]) as tf.SymbolicTensor; // [null, 1, 4]
 * const model = tf.model({ inputs: [q, k, v], outputs: out });
 * ```
 */
export class AdditiveAttention extends layers.Layer {
  static className = 'AdditiveAttention';
  readonly units: number;
  readonly dropout: number;
  readonly returnWeights: boolean;
  readonly seed: number | undefined;
  private wq?: LayerVariable;
  private wk?: LayerVariable;
  private wv?: LayerVariable;

  constructor(args: AdditiveAttentionLayerArgs) {
    super(args);
    if (!Number.isInteger(args.units) || args.units < 1) throw new Error(`AdditiveAttention: units must be a positive integer, got ${args.units}`);
    this.units = args.units;
    this.dropout = args.dropout ?? 0;
    this.returnWeights = args.returnWeights ?? false;
    this.seed = args.seed;
  }

  override build(inputShape: Shape | Shape[]): void {
    const [q, k] = threeShapes(inputShape);
    const seed = (offset: number) => (this.seed === undefined ? undefined : this.seed + offset);
    this.wq = this.addWeight('wq', [q[q.length - 1]!, this.units], 'float32', initializers.glorotUniform({ seed: seed(0) }));
    this.wk = this.addWeight('wk', [k[k.length - 1]!, this.units], 'float32', initializers.glorotUniform({ seed: seed(1) }));
    // wv maps [units] → 1: Glorot with fan-in = units, fan-out = 1 (tfjs's glorotUniform would use √units for both on a 1-D shape).
    const limit = Math.sqrt(6 / (this.units + 1));
    this.wv = this.addWeight('wv', [this.units], 'float32', initializers.randomUniform({ minval: -limit, maxval: limit, seed: seed(2) }));
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const [q, k, v] = threeShapes(inputShape);
    const output = [...q.slice(0, -1), v[v.length - 1]!];
    return this.returnWeights ? [output, [...q.slice(0, -1), k[k.length - 2]!]] : output;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    return tf.tidy(() => {
      if (!Array.isArray(inputs) || inputs.length !== 3) throw new Error('AdditiveAttention: call it on [queries, keys, values]');
      const [q, k, v] = inputs as [tf.Tensor, tf.Tensor, tf.Tensor];
      const masking: MaskOptions = { validLens: kwargs['validLens'], mask: kwargs['attentionMask'] };
      const { output, weights } = additiveAttention(
        q, k, v,
        { wq: this.wq!.read(), wk: this.wk!.read(), wv: this.wv!.read() },
        { ...masking, dropout: kwargs['training'] ? this.dropout : 0, returnWeights: this.returnWeights },
      );
      return this.returnWeights ? [output, weights!] : output;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = { units: this.units, dropout: this.dropout, returnWeights: this.returnWeights };
    if (this.seed !== undefined) config['seed'] = this.seed;
    return { ...config, ...super.getConfig() };
  }
}
tf.serialization.registerClass(AdditiveAttention, 'Heed');

function threeShapes(inputShape: Shape | Shape[]): [Shape, Shape, Shape] {
  if (!Array.isArray(inputShape[0]) || inputShape.length !== 3) {
    throw new Error(`AdditiveAttention: expected the shapes of [queries, keys, values], got ${JSON.stringify(inputShape)}`);
  }
  return inputShape as [Shape, Shape, Shape];
}
