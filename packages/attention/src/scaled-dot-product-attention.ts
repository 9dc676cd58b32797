import * as tf from '@tensorflow/tfjs-core';
import { composedAttention } from './composed-attention.js';
import { type MaskOptions, attentionKeep } from './masked-softmax.js';
import { FusedScaledDotProductAttention, type FusedAttentionAttrs } from './kernels/kernel-names.js';
import './kernels/fused-attention-gradient.js';

/** Options of {@link scaledDotProductAttention}. */
export interface AttentionOptions extends MaskOptions {
  /** Mask keys after the query: query i attends keys j ≤ i (top-left aligned, like PyTorch). */
  causal?: boolean;
  /** Multiplies the scores; default 1/√d. */
  scale?: number;
  /** Dropout rate applied to the attention weights (training only). Default 0. */
  dropout?: number;
  /** Seed for the dropout mask. */
  seed?: number;
  /** Return the [..., Tq, Tk] weights. Default true; false allows a fused kernel to run. */
  returnWeights?: boolean;
}

/** What attention returns: the pooled values and, on request, the weights that pooled them. */
export interface AttentionResult {
  /** [..., Tq, dv] */
  output: tf.Tensor;
  /** [..., Tq, Tk]; absent when `returnWeights: false`. */
  weights?: tf.Tensor;
}

/**
 * Causal keep-mask [Tq, Tk]: true where key j ≤ query i.
 *
 * @example
 * ```ts
 * causalMask(3, 3).print(); // lower-triangular booleans
 * ```
 */
export function causalMask(tq: number, tk: number): tf.Tensor2D {
  return tf.tidy(() => tf.cast(tf.linalg.bandPart(tf.ones([tq, tk]), -1, 0), 'bool') as tf.Tensor2D);
}

/**
 * softmax(scale · Q Kᵀ) V over any leading batch dims (e.g. [B, Tq, d] or [B, H, Tq, d]).
 *
 * When `returnWeights` is false, no dropout or boolean `mask` is given, and the active backend has
 * a kernel registered under {@link FusedScaledDotProductAttention} (as `@heed/webgpu` does),
 * that kernel runs; otherwise the composed matMul → masked softmax → matMul path does.
 * Differentiable either way.
 *
 * @example
 * ```ts
 * const q = tf.randomNormal([2, 8, 5, 64]); // [B, H, Tq, d]
 * const k = tf.randomNormal([2, 8, 7, 64]);
 * const v = tf.randomNormal([2, 8, 7, 32]);
 * const { output, weights } = scaledDotProductAttention(q, k, v, { validLens: [7, 3] });
 * // output [2, 8, 5, 32], weights [2, 8, 5, 7]; keys 3..6 of batch 1 get weight 0
 * ```
 */
export function scaledDotProductAttention(
  q: tf.Tensor,
  k: tf.Tensor,
  v: tf.Tensor,
  options: AttentionOptions = {},
): AttentionResult {
  checkShapes(q, k, v);
  const d = q.shape[q.rank - 1]!;
  const scale = options.scale ?? 1 / Math.sqrt(d);
  const returnWeights = options.returnWeights ?? true;
  const fusedKeyLengths = fusableKeyLengths(q, k, options);
  if (!returnWeights && fusedKeyLengths !== null && hasFusedKernel()) {
    return { output: runFused(q, k, v, scale, options.causal ?? false, fusedKeyLengths) };
  }
  return tf.tidy(() => {
    const causal = options.causal ? causalMask(q.shape[q.rank - 2]!, k.shape[k.rank - 2]!) : undefined;
    const mask = causal && options.mask ? tf.logicalAnd(options.mask, causal) : (causal ?? options.mask);
    const scoresShape = [...q.shape.slice(0, -1), k.shape[k.rank - 2]!];
    const keep = attentionKeep(scoresShape, { validLens: options.validLens, mask });
    const { dropout, seed } = options;
    return composedAttention(q, k, v, { scale, keep, dropout, seed, returnWeights });
  });
}

function checkShapes(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor): void {
  const where = 'scaledDotProductAttention';
  if (q.rank < 2 || k.rank !== q.rank || v.rank !== q.rank) {
    throw new Error(`${where}: q, k, v must share one rank ≥ 2; got [${q.shape}], [${k.shape}], [${v.shape}]`);
  }
  const lead = (t: tf.Tensor) => t.shape.slice(0, -2).join(',');
  if (lead(q) !== lead(k) || lead(q) !== lead(v)) {
    throw new Error(`${where}: leading dims differ: q [${q.shape}], k [${k.shape}], v [${v.shape}]`);
  }
  if (q.shape[q.rank - 1] !== k.shape[k.rank - 1]) {
    throw new Error(`${where}: q and k feature sizes differ: q [${q.shape}], k [${k.shape}]`);
  }
  if (k.shape[k.rank - 2] !== v.shape[v.rank - 2]) {
    throw new Error(`${where}: k and v key counts differ: k [${k.shape}], v [${v.shape}]`);
  }
}

function hasFusedKernel(): boolean {
  return tf.getKernel(FusedScaledDotProductAttention, tf.getBackend()) !== undefined;
}

/**
 * Key lengths per batch×head slice for the fused kernel, an empty array for "no padding", or null
 * when the masking asked for cannot be expressed as key lengths (a boolean mask, per-query
 * lengths, dropout).
 */
function fusableKeyLengths(q: tf.Tensor, k: tf.Tensor, options: AttentionOptions): number[] | null {
  if (options.mask || options.dropout) return null;
  const tk = k.shape[k.rank - 2]!;
  if (options.validLens === undefined) return [];
  const lens = options.validLens instanceof tf.Tensor ? options.validLens : tf.tensor(options.validLens);
  try {
    if (lens.rank !== 1 || lens.shape[0] !== q.shape[0]) return null;
    const perBatch = Array.from(lens.dataSync(), (x) => Math.max(0, Math.min(tk, Math.floor(x))));
    const slicesPerBatch = q.shape.slice(1, -2).reduce((x, y) => x * y, 1);
    return perBatch.flatMap((len) => new Array<number>(slicesPerBatch).fill(len));
  } finally {
    if (lens !== options.validLens) lens.dispose();
  }
}

function runFused(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, scale: number, causal: boolean, keyLengths: number[]): tf.Tensor {
  return tf.tidy(() => {
    const [tq, d] = q.shape.slice(-2) as [number, number];
    const tk = k.shape[k.rank - 2]!, dv = v.shape[v.rank - 1]!;
    const lead = q.shape.slice(0, -2);
    const bh = lead.reduce((x, y) => x * y, 1);
    const lengths = tf.tensor1d(keyLengths.length ? keyLengths : new Array<number>(bh).fill(tk), 'int32');
    const attrs: FusedAttentionAttrs = { scale, causal };
    const out = tf.engine().runKernel(
      FusedScaledDotProductAttention,
      { q: tf.reshape(q, [bh, tq, d]), k: tf.reshape(k, [bh, tk, d]), v: tf.reshape(v, [bh, tk, dv]), keyLengths: lengths },
      attrs,
    ) as tf.Tensor;
    return tf.reshape(out, [...lead, tq, dv]);
  });
}
