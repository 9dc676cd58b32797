import * as tf from '@tensorflow/tfjs-core';
import { type LayerVariable, type Shape, layers } from '@tensorflow/tfjs-layers';
import { type MultiHeadAttentionWeights, multiHeadAttention } from '../multi-head-attention.js';
import type { AttentionResult } from '../scaled-dot-product-attention.js';
import { type Kwargs, type LayerArgs, type WeightSpecs, readWeights, shapeList, tensorList, weightGroups } from './layer-support.js';

/** Configuration of the {@link MultiHeadAttention} layer (all JSON, for `getConfig`). */
export interface MultiHeadAttentionLayerArgs extends LayerArgs {
  /** Number of heads H. */
  numHeads: number;
  /** Per-head width of queries and keys. */
  keyDim: number;
  /** Per-head width of values; default `keyDim`. */
  valueDim?: number;
  /** Output features; default the query's feature size. */
  outputDim?: number;
  /** Biases on the four projections; default true. */
  useBias?: boolean;
  /** Dropout rate on the attention weights while training; default 0. */
  dropout?: number;
  /** Causal attention (query i attends keys j ≤ i); default false. */
  causal?: boolean;
  /** Seeds the kernel initialisers (Glorot uniform) for reproducible models. */
  seed?: number;
}

/** Per-call options of {@link MultiHeadAttention} (eager calls; kwargs of `apply`). */
export interface MultiHeadAttentionCallOptions {
  /** Key lengths, [B] or [B, Tq] (see `multiHeadAttention`). */
  validLens?: tf.Tensor | number[] | number[][];
  /** Boolean keep-mask [B, Tq, Tk] or [B, H, Tq, Tk]. */
  mask?: tf.Tensor;
  /** Overrides the layer's `causal`. */
  causal?: boolean;
  /** Training mode (dropout on). tfjs-layers sets it during `fit`. */
  training?: boolean;
}

/** Dimensions that fix the shapes of the attention weights. */
export interface AttentionWeightDims {
  dQuery: number;
  dKey: number;
  dValue: number;
  numHeads: number;
  keyDim: number;
  valueDim: number;
  outputDim: number;
  useBias: boolean;
}

/**
 * Shapes of {@link MultiHeadAttentionWeights} for the given dimensions (shared with the
 * Transformer block layers).
 *
 * @example
 * ```ts
 * attentionWeightSpecs({ dQuery: 16, dKey: 16, dValue: 16, numHeads: 4, keyDim: 4, valueDim: 4, outputDim: 16, useBias: true });
 * // { wq: { shape: [16, 16], init: 'kernel' }, bq: { shape: [16], init: 'zeros' }, … }
 * ```
 */
export function attentionWeightSpecs(d: AttentionWeightDims): WeightSpecs {
  const qk = d.numHeads * d.keyDim, v = d.numHeads * d.valueDim;
  const specs: WeightSpecs = {};
  const add = (name: string, rows: number, cols: number) => {
    specs[`w${name}`] = { shape: [rows, cols], init: 'kernel' };
    if (d.useBias) specs[`b${name}`] = { shape: [cols], init: 'zeros' };
  };
  add('q', d.dQuery, qk);
  add('k', d.dKey, qk);
  add('v', d.dValue, v);
  add('o', v, d.outputDim);
  return specs;
}

/**
 * Multi-head attention as a tfjs-layers Layer, with separate query, key, value and output
 * projections. Runs {@link multiHeadAttention} (and so `scaledDotProductAttention` and any fused
 * backend kernel).
 *
 * Inputs: `query` alone (self-attention), `[query, value]` (key = value), or `[query, value, key]`
 * — each [B, T, d], where key/value may differ from the query in length and width. Output:
 * [B, Tq, outputDim ?? dQuery]. Works on symbolic inputs inside `tf.model` / `tf.sequential` and
 * eagerly; per-call masks (`validLens`, `mask`) go in the kwargs of eager calls.
 * {@link MultiHeadAttention.callWithWeights} also returns the per-head weights.
 *
 * Registered for serialisation as `HeedMultiHeadAttention` (not `MultiHeadAttention`, which is
 * tfjs-layers' own, different layer).
 *
 * @example
 * ```ts
 * import * as tfl from '@tensorflow/tfjs-layers';
 * const target = tfl.input({ shape: [8, 16] });
 * const source = tfl.input({ shape: [4, 12] });
 * const mha = new MultiHeadAttention({ numHeads: 2, keyDim: 8 });
 * const out = mha.apply([target, source]) as tfl.SymbolicTensor; // [null, 8, 16]
 * const model = tfl.model({ inputs: [target, source], outputs: out });
 *
 * const { output, weights } = mha.callWithWeights(tf.randomNormal([1, 8, 16]), tf.randomNormal([1, 4, 12]));
 * // weights [1, 2, 8, 4]
 * ```
 */
export class MultiHeadAttention extends layers.Layer {
  /** @nocollapse */
  static readonly className = 'HeedMultiHeadAttention';
  readonly numHeads: number;
  readonly keyDim: number;
  readonly valueDim: number;
  readonly outputDim?: number;
  readonly useBias: boolean;
  readonly dropout: number;
  readonly causal: boolean;
  readonly seed?: number;
  private projections: Record<string, LayerVariable> = {};

  constructor(args: MultiHeadAttentionLayerArgs) {
    super(args);
    this.numHeads = args.numHeads;
    this.keyDim = args.keyDim;
    this.valueDim = args.valueDim ?? args.keyDim;
    this.outputDim = args.outputDim ?? undefined; // configs from JSON carry null
    this.useBias = args.useBias ?? true;
    this.dropout = args.dropout ?? 0;
    this.causal = args.causal ?? false;
    this.seed = args.seed ?? undefined;
  }

  override build(inputShape: Shape | Shape[]): void {
    const [q, v = q, k = v] = shapeList(inputShape);
    const last = (s: Shape) => s[s.length - 1] as number;
    const add = weightGroups((n, s, d, i) => this.addWeight(n, s, d, i), this.seed);
    this.projections = add('', attentionWeightSpecs({
      dQuery: last(q!), dKey: last(k!), dValue: last(v!), numHeads: this.numHeads, keyDim: this.keyDim,
      valueDim: this.valueDim, outputDim: this.outputDim ?? last(q!), useBias: this.useBias,
    }));
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const q = shapeList(inputShape)[0]!;
    return [...q.slice(0, -1), this.outputDim ?? q[q.length - 1]!];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => this.attend(tensorList(inputs), kwargs as MultiHeadAttentionCallOptions, false).output);
  }

  /**
   * Eager attention that also returns the per-head weights [B, H, Tq, Tk] (builds the layer on
   * first use). `value` defaults to `query`, `key` to `value`.
   */
  callWithWeights(query: tf.Tensor, value?: tf.Tensor, key?: tf.Tensor, options: MultiHeadAttentionCallOptions = {}): Required<AttentionResult> {
    const inputs = [query, ...(value ? [value] : []), ...(key ? [key] : [])];
    if (!this.built) tf.dispose(this.apply(inputs.length === 1 ? query : inputs) as tf.Tensor); // builds under the layer's name scope
    return this.attend(inputs, options, true) as Required<AttentionResult>;
  }

  private attend(inputs: tf.Tensor[], options: MultiHeadAttentionCallOptions, returnWeights: boolean): AttentionResult {
    const [query, value = query, key = value] = inputs as [tf.Tensor, tf.Tensor?, tf.Tensor?];
    return multiHeadAttention(query, key!, value!, readWeights<MultiHeadAttentionWeights>(this.projections), {
      numHeads: this.numHeads,
      validLens: options.validLens,
      mask: options.mask,
      causal: options.causal ?? this.causal,
      dropout: options.training ? this.dropout : 0,
      returnWeights,
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      numHeads: this.numHeads, keyDim: this.keyDim, valueDim: this.valueDim, outputDim: this.outputDim ?? null,
      useBias: this.useBias, dropout: this.dropout, causal: this.causal, seed: this.seed ?? null, ...super.getConfig(),
    };
  }
}
tf.serialization.registerClass(MultiHeadAttention);
