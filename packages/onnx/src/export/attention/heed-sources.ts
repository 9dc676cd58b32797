/**
 * Reads @heed/attention models — its Layers (`MultiHeadAttention`, `TransformerEncoderBlock`,
 * `PositionalEmbedding`) or the records its functional API takes — into host copies of their
 * weights and settings, the form the graph builders use. Nothing here allocates a tfjs tensor:
 * Layer variables and tensors are read with `dataSync` only.
 *
 * The Layers are recognised by shape (a `weights` array of variables), so this module imports them
 * as types only and an exporter pulls in no tfjs-layers code.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type {
  FFNActivation, MultiHeadAttentionWeights, TransformerEncoderBlockOptions, TransformerEncoderBlockWeights,
} from '@heed/attention';
import type { MultiHeadAttention, PositionalEmbedding, TransformerEncoderBlock } from '@heed/attention/layers';
import { hostFloats } from '../../graph/layers.js';

/** Multi-head attention given as the functional API's weights and options. */
export interface MultiHeadAttentionSpec {
  /** Projection weights as `multiHeadAttention` takes them ([in, out] layout). */
  weights: MultiHeadAttentionWeights;
  /** Heads, causality and score scale (default 1/√keyDim), as in `MultiHeadAttentionOptions`. */
  options: { numHeads: number; causal?: boolean; scale?: number };
}

/** A Heed multi-head attention: the built `MultiHeadAttention` Layer or a functional spec. */
export type MultiHeadAttentionSource = MultiHeadAttention | MultiHeadAttentionSpec;

/** A Transformer encoder block given as the functional API's weights and options. */
export interface TransformerEncoderBlockSpec {
  /** Weights as `transformerEncoderBlock` takes them. */
  weights: TransformerEncoderBlockWeights;
  /** The inference-relevant block options (dropout and `returnWeights` do not apply). */
  options: Pick<TransformerEncoderBlockOptions, 'numHeads' | 'normFirst' | 'activation' | 'epsilon' | 'causal'>;
}

/** A Heed Transformer encoder block: the built `TransformerEncoderBlock` Layer or a functional spec. */
export type TransformerEncoderBlockSource = TransformerEncoderBlock | TransformerEncoderBlockSpec;

/** A position table: the built `PositionalEmbedding` Layer or a [maxLen, dim] tensor (e.g. `sinusoidalPositionalEncoding`). */
export type PositionTableSource = PositionalEmbedding | tf.Tensor;

/** Host copy of a `x W + b` projection. */
export interface HostLinear {
  weight: Float32Array;
  bias?: Float32Array;
  inDim: number;
  outDim: number;
}

/** Host copy of a multi-head attention: projections, head layout and settings. */
export interface HostMultiHeadAttention {
  numHeads: number;
  /** Per-head query/key width. */
  keyDim: number;
  /** Per-head value width. */
  valueDim: number;
  q: HostLinear;
  k: HostLinear;
  v: HostLinear;
  o: HostLinear;
  causal: boolean;
  /** Score scale; Heed's default 1/√keyDim unless the spec says otherwise. */
  scale: number;
}

/** Host copy of a layer norm. */
export interface HostLayerNorm {
  gamma: Float32Array;
  beta: Float32Array;
  epsilon: number;
}

/** Host copy of a Transformer encoder block. */
export interface HostEncoderBlock {
  attention: HostMultiHeadAttention;
  norm1: HostLayerNorm;
  ffn: { w1: HostLinear; w2: HostLinear; activation: FFNActivation };
  norm2: HostLayerNorm;
  normFirst: boolean;
}

/** Host copy of a position table [maxLen, dim]. */
export interface HostPositionTable {
  table: Float32Array;
  maxLen: number;
  dim: number;
}

/**
 * Host weights and settings of a Heed multi-head attention.
 *
 * @example
 * ```ts
 * const mha = new MultiHeadAttention({ numHeads: 3, keyDim: 8 });
 * mha.apply(tf.zeros([1, 7, 24])); // builds it
 * const host = hostMultiHeadAttention(mha); // host.q.weight: Float32Array [24·24]
 * ```
 */
export function hostMultiHeadAttention(source: MultiHeadAttentionSource): HostMultiHeadAttention {
  if (isLayer(source)) {
    const groups = layerGroups(source, 'MultiHeadAttention');
    const weights = Object.assign({}, ...Object.values(groups)) as unknown as MultiHeadAttentionWeights;
    return fromWeights(weights, source.numHeads, source.causal, undefined, 'MultiHeadAttention');
  }
  const { weights, options } = source;
  return fromWeights(weights, options.numHeads, options.causal ?? false, options.scale, 'multi-head attention');
}

/**
 * Host weights and settings of a Heed Transformer encoder block.
 *
 * @example
 * ```ts
 * const block = new TransformerEncoderBlock({ numHeads: 3, ffnDim: 40, normFirst: true });
 * block.apply(tf.zeros([1, 7, 24])); // builds it
 * const host = hostEncoderBlock(block); // host.ffn.w1.outDim === 40
 * ```
 */
export function hostEncoderBlock(source: TransformerEncoderBlockSource): HostEncoderBlock {
  const where = 'TransformerEncoderBlock';
  const [weights, options] = isLayer(source)
    ? [layerGroups(source, where) as unknown as TransformerEncoderBlockWeights, source]
    : [source.weights, source.options];
  const missing = (['attention', 'norm1', 'ffn', 'norm2'] as const).filter((k) => !weights[k]);
  if (missing.length) throw new Error(`${where}: not an encoder block, it lacks ${missing.join(', ')} (a decoder block cannot be exported as an encoder)`);
  const epsilon = options.epsilon ?? 1e-5;
  const activation = options.activation ?? 'relu';
  if (activation !== 'relu' && activation !== 'gelu') throw new Error(`${where}: unknown activation '${String(activation)}'`);
  const attention = fromWeights(weights.attention, options.numHeads, options.causal ?? false, undefined, `${where} attention`);
  const d = attention.q.inDim;
  if (attention.k.inDim !== d || attention.v.inDim !== d || attention.o.outDim !== d) {
    throw new Error(`${where}: self-attention must map width ${d} to ${d}; got key ${attention.k.inDim}, value ${attention.v.inDim}, output ${attention.o.outDim}`);
  }
  const w1 = hostLinear(weights.ffn.w1, weights.ffn.b1, `${where} ffn.w1`);
  const w2 = hostLinear(weights.ffn.w2, weights.ffn.b2, `${where} ffn.w2`);
  if (w1.inDim !== d || w2.inDim !== w1.outDim || w2.outDim !== d) {
    throw new Error(`${where}: FFN weights [${w1.inDim}, ${w1.outDim}] and [${w2.inDim}, ${w2.outDim}] do not fit width ${d}`);
  }
  const norm = (n: { gamma: tf.Tensor; beta: tf.Tensor }, name: string): HostLayerNorm => {
    const gamma = hostFloats(n.gamma), beta = hostFloats(n.beta);
    if (gamma.length !== d || beta.length !== d) throw new Error(`${where}: ${name} must have ${d} values`);
    return { gamma, beta, epsilon };
  };
  return {
    attention, norm1: norm(weights.norm1, 'norm1'), ffn: { w1, w2, activation }, norm2: norm(weights.norm2, 'norm2'),
    normFirst: options.normFirst ?? false,
  };
}

/**
 * Host copy of a position table: a `PositionalEmbedding` Layer's table (learned or sinusoidal) or
 * a [maxLen, dim] tensor.
 *
 * @example
 * ```ts
 * const host = hostPositionTable(sinusoidalPositionalEncoding(16, 24)); // maxLen 16, dim 24
 * ```
 */
export function hostPositionTable(source: PositionTableSource): HostPositionTable {
  const table = isLayer(source) ? onlyWeight(source) : source;
  if (table.rank !== 2) throw new Error(`position table: expected [maxLen, dim], got [${table.shape}]`);
  const [maxLen, dim] = table.shape as [number, number];
  return { table: hostFloats(table), maxLen, dim };
}

/** A tfjs-layers Layer as far as reading its weights goes. */
interface LayerLike {
  readonly weights: { originalName: string; read(): tf.Tensor }[];
  readonly name: string;
}

function isLayer(source: object): source is LayerLike {
  return Array.isArray((source as { weights?: unknown }).weights);
}

/** A Heed Layer's variables as `{ group: { key: tensor } }` (names end in `group/key`). */
function layerGroups(layer: LayerLike, where: string): Record<string, Record<string, tf.Tensor>> {
  if (layer.weights.length === 0) throw new Error(`${where} '${layer.name}' has no weights yet: build it (call it once) before exporting`);
  const groups: Record<string, Record<string, tf.Tensor>> = {};
  for (const v of layer.weights) {
    const [group = '', key] = v.originalName.split('/').slice(-2) as [string, string];
    (groups[group] ??= {})[key] = v.read();
  }
  return groups;
}

function onlyWeight(layer: LayerLike): tf.Tensor {
  if (layer.weights.length !== 1) throw new Error(`PositionalEmbedding '${layer.name}': expected one built table, found ${layer.weights.length} weights`);
  return layer.weights[0]!.read();
}

function fromWeights(w: MultiHeadAttentionWeights, numHeads: number, causal: boolean, scale: number | undefined, where: string): HostMultiHeadAttention {
  if (!Number.isInteger(numHeads) || numHeads < 1) throw new Error(`${where}: numHeads must be a positive integer, got ${numHeads}`);
  const q = hostLinear(w.wq, w.bq, `${where} wq`), k = hostLinear(w.wk, w.bk, `${where} wk`);
  const v = hostLinear(w.wv, w.bv, `${where} wv`), o = hostLinear(w.wo, w.bo, `${where} wo`);
  if (k.outDim !== q.outDim) throw new Error(`${where}: wq [${q.inDim}, ${q.outDim}] and wk [${k.inDim}, ${k.outDim}] differ in width`);
  if (q.outDim % numHeads !== 0 || v.outDim % numHeads !== 0) {
    throw new Error(`${where}: widths of wq (${q.outDim}) and wv (${v.outDim}) must be multiples of numHeads (${numHeads})`);
  }
  if (o.inDim !== v.outDim) throw new Error(`${where}: wo must have ${v.outDim} rows (width of wv), has ${o.inDim}`);
  const keyDim = q.outDim / numHeads;
  return { numHeads, keyDim, valueDim: v.outDim / numHeads, q, k, v, o, causal, scale: scale ?? 1 / Math.sqrt(keyDim) };
}

function hostLinear(weight: tf.Tensor, bias: tf.Tensor | undefined, where: string): HostLinear {
  if (weight.rank !== 2) throw new Error(`${where}: expected a [in, out] matrix, got [${weight.shape}]`);
  const [inDim, outDim] = weight.shape as [number, number];
  if (bias && (bias.rank !== 1 || bias.shape[0] !== outDim)) throw new Error(`${where}: bias [${bias.shape}] should be [${outDim}]`);
  return { weight: hostFloats(weight), ...(bias ? { bias: hostFloats(bias) } : {}), inDim, outDim };
}
