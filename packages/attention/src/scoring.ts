/**
 * Attention scoring functions a(q, k): each maps queries [..., Tq, dq] and keys [..., Tk, dk] to
 * scores [..., Tq, Tk] (the location score, which ignores the query, maps keys to [..., Tk]).
 * Turn any of them into attention with `attentionFromScores(scores, v, options)`.
 *
 * Conventions: leading dims of q and k must be equal (no broadcasting between them). Weight
 * matrices act on row vectors, so "W x" in the formulas is computed as `x · W` with W [d, h].
 */
import * as tf from '@tensorflow/tfjs-core';
import { batchedMatMul } from './batched-matmul.js';
import './register-gradients.js';

/** Element-wise nonlinearity used inside the location and concat scores. */
export type ScoreActivation = 'tanh' | 'relu' | 'identity';

/**
 * Dot-product score q·k. Requires dq = dk.
 *
 * @example
 * ```ts
 * const scores = dotScore(tf.randomNormal([2, 5, 8]), tf.randomNormal([2, 7, 8])); // [2, 5, 7]
 * ```
 */
export function dotScore(q: tf.Tensor, k: tf.Tensor): tf.Tensor {
  checkPair('dotScore', q, k, true);
  return batchedMatMul(q, k, { transposeB: true });
}

/**
 * Scaled dot-product score q·k · scale, with scale = 1/√d by default (keeps the score variance
 * near 1 for unit-variance inputs, so the softmax does not saturate as d grows).
 *
 * @example
 * ```ts
 * const scores = scaledDotScore(q, k);      // q·k / √d
 * const sharper = scaledDotScore(q, k, 1);  // plain dot product
 * ```
 */
export function scaledDotScore(q: tf.Tensor, k: tf.Tensor, scale?: number): tf.Tensor {
  checkPair('scaledDotScore', q, k, true);
  const s = scale ?? 1 / Math.sqrt(q.shape[q.rank - 1]!);
  return tf.tidy(() => tf.mul(batchedMatMul(q, k, { transposeB: true }), s));
}

/** Parameters of {@link additiveScore}. */
export interface AdditiveScoreParams {
  /** [dq, h] */
  wq: tf.Tensor;
  /** [dk, h] */
  wk: tf.Tensor;
  /** [h] */
  wv: tf.Tensor;
}

/**
 * Additive (Bahdanau) score: tanh(q·Wq + k·Wk)·wv. Query and key sizes may differ. Every
 * (query, key) pair gets its own h-vector, so this materialises [..., Tq, Tk, h].
 *
 * @example
 * ```ts
 * const h = 16;
 * const params = { wq: tf.randomNormal([20, h]), wk: tf.randomNormal([2, h]), wv: tf.randomNormal([h]) };
 * const scores = additiveScore(tf.randomNormal([2, 1, 20]), tf.randomNormal([2, 10, 2]), params); // [2, 1, 10]
 * ```
 */
export function additiveScore(q: tf.Tensor, k: tf.Tensor, { wq, wk, wv }: AdditiveScoreParams): tf.Tensor {
  checkPair('additiveScore', q, k, false);
  return tf.tidy(() => pairwiseScore(project(q, wq, 'wq'), project(k, wk, 'wk'), wv, 'tanh'));
}

/**
 * Bilinear (Luong "general") score qᵀ W k with W [dq, dk].
 *
 * @example
 * ```ts
 * const scores = bilinearScore(tf.randomNormal([4, 6]), tf.randomNormal([9, 3]), tf.randomNormal([6, 3])); // [4, 9]
 * ```
 */
export function bilinearScore(q: tf.Tensor, k: tf.Tensor, w: tf.Tensor): tf.Tensor {
  checkPair('bilinearScore', q, k, false);
  const dk = k.shape[k.rank - 1]!;
  if (w.rank !== 2 || w.shape[1] !== dk) {
    throw new Error(`bilinearScore: w must be [dq, ${dk}], got [${w.shape}]`);
  }
  return tf.tidy(() => batchedMatMul(project(q, w, 'w'), k, { transposeB: true }));
}

/** Parameters of {@link locationScore}. */
export interface LocationScoreParams {
  /** [dk] */
  w: tf.Tensor;
  /** Scalar bias; default 0. */
  b?: tf.Tensor | number;
  /** Default 'identity'. */
  activation?: ScoreActivation;
  /**
   * When given, the scores are broadcast to [..., queries, Tk] (see {@link broadcastOverQueries});
   * otherwise [..., Tk] is returned.
   */
  queries?: number;
}

/**
 * Location score act(wᵀk + b), computed from the key alone: every query sees the same scores.
 * Returns [..., Tk]; pass `queries: Tq` (or call {@link broadcastOverQueries}) for [..., Tq, Tk],
 * the shape `attentionFromScores` and per-query masks expect. (A [..., 1, Tk] view also works with
 * attention: one pooled output shared by all queries.)
 *
 * @example
 * ```ts
 * const k = tf.randomNormal([2, 10, 4]);
 * const perKey = locationScore(k, { w: tf.randomNormal([4]), b: 0.5, activation: 'tanh' }); // [2, 10]
 * const full = locationScore(k, { w: tf.randomNormal([4]), queries: 3 }); // [2, 3, 10]
 * ```
 */
export function locationScore(k: tf.Tensor, { w, b = 0, activation = 'identity', queries }: LocationScoreParams): tf.Tensor {
  if (k.rank < 2) throw new Error(`locationScore: keys must have rank ≥ 2, got [${k.shape}]`);
  const dk = k.shape[k.rank - 1]!;
  if (w.rank !== 1 || w.shape[0] !== dk) throw new Error(`locationScore: w must be [${dk}], got [${w.shape}]`);
  return tf.tidy(() => {
    const linear = tf.add(tf.squeeze(project(k, tf.reshape(w, [dk, 1]), 'w'), [k.rank - 1]), b);
    const scores = activate(linear, activation);
    return queries === undefined ? scores : broadcastOverQueries(scores, queries);
  });
}

/**
 * Repeats query-independent scores [..., Tk] for `tq` queries: [..., tq, Tk].
 *
 * @example
 * ```ts
 * broadcastOverQueries(tf.tensor2d([[1, 2, 3]]), 2).print(); // [[[1, 2, 3], [1, 2, 3]]]
 * ```
 */
export function broadcastOverQueries(scores: tf.Tensor, tq: number): tf.Tensor {
  return tf.tidy(() => {
    const tk = scores.shape[scores.rank - 1]!;
    return tf.broadcastTo(tf.expandDims(scores, -2), [...scores.shape.slice(0, -1), tq, tk]);
  });
}

/** Parameters of {@link concatScore}. */
export interface ConcatScoreParams {
  /** Key weights [dk, h]. */
  w1: tf.Tensor;
  /** Query weights [dq, h]. */
  w2: tf.Tensor;
  /** [h]; default none. */
  b?: tf.Tensor;
  /** [h] */
  v: tf.Tensor;
  /** Default 'tanh'. */
  activation?: ScoreActivation;
}

/**
 * Concat (Luong) score vᵀ act(W₁k + W₂q + b), i.e. vᵀ act(W [k; q] + b) with W = [W₁ W₂].
 * With b absent and tanh it equals {@link additiveScore} (W₁ = Wk, W₂ = Wq, v = wv).
 *
 * @example
 * ```ts
 * const h = 8;
 * const scores = concatScore(tf.randomNormal([3, 5]), tf.randomNormal([4, 6]), {
 *   w1: tf.randomNormal([6, h]), w2: tf.randomNormal([5, h]), b: tf.zeros([h]), v: tf.randomNormal([h]),
 *   activation: 'relu',
 * }); // [3, 4]
 * ```
 */
export function concatScore(q: tf.Tensor, k: tf.Tensor, { w1, w2, b, v, activation = 'tanh' }: ConcatScoreParams): tf.Tensor {
  checkPair('concatScore', q, k, false);
  return tf.tidy(() => {
    let kh = project(k, w1, 'w1');
    if (b) {
      if (b.rank !== 1 || b.shape[0] !== kh.shape[kh.rank - 1]) throw new Error(`concatScore: b must be [h], got [${b.shape}]`);
      kh = tf.add(kh, b);
    }
    return pairwiseScore(project(q, w2, 'w2'), kh, v, activation);
  });
}

/**
 * Cosine-similarity score q·k / (‖q‖‖k‖) in [−1, 1]. Each norm is clamped below at `eps`
 * (default 1e-8, as PyTorch's `cosine_similarity`), so a zero vector scores 0 and has finite
 * gradients.
 *
 * @example
 * ```ts
 * const scores = cosineScore(q, k); // [..., Tq, Tk], scale-invariant in q and k
 * ```
 */
export function cosineScore(q: tf.Tensor, k: tf.Tensor, eps = 1e-8): tf.Tensor {
  checkPair('cosineScore', q, k, true);
  return tf.tidy(() => batchedMatMul(normalize(q, eps), normalize(k, eps), { transposeB: true }));
}

/** x / max(‖x‖, eps) over the last axis. Clamping the squared norm keeps sqrt's gradient finite at 0. */
function normalize(x: tf.Tensor, eps: number): tf.Tensor {
  return tf.div(x, tf.sqrt(tf.maximum(tf.sum(tf.square(x), -1, true), eps * eps)));
}

function activate(x: tf.Tensor, activation: ScoreActivation): tf.Tensor {
  switch (activation) {
    case 'tanh': return tf.tanh(x);
    case 'relu': return tf.relu(x);
    case 'identity': return x;
    default: throw new Error(`unknown score activation "${activation as string}"`);
  }
}

/**
 * vᵀ act(qh_i + kh_j) for every (query i, key j): broadcasts [..., Tq, 1, h] + [..., 1, Tk, h].
 * Shared by the additive and concat scores.
 */
function pairwiseScore(qh: tf.Tensor, kh: tf.Tensor, v: tf.Tensor, activation: ScoreActivation): tf.Tensor {
  const h = qh.shape[qh.rank - 1]!;
  if (kh.shape[kh.rank - 1] !== h || v.rank !== 1 || v.shape[0] !== h) {
    throw new Error(`score: hidden sizes differ: query side ${h}, key side ${kh.shape[kh.rank - 1]}, v [${v.shape}]`);
  }
  const features = activate(tf.add(tf.expandDims(qh, -2), tf.expandDims(kh, -3)), activation);
  const pairs = features.shape.slice(0, -1);
  return tf.reshape(tf.matMul(tf.reshape(features, [-1, h]), tf.reshape(v, [h, 1])), pairs);
}

/** x [..., d] · w [d, h] → [..., h], as one 2-D matMul (fast on every backend). */
function project(x: tf.Tensor, w: tf.Tensor, name: string): tf.Tensor {
  const d = x.shape[x.rank - 1]!;
  if (w.rank !== 2 || w.shape[0] !== d) throw new Error(`score: ${name} must be [${d}, h], got [${w.shape}]`);
  return tf.reshape(tf.matMul(tf.reshape(x, [-1, d]), w), [...x.shape.slice(0, -1), w.shape[1]!]);
}

function checkPair(where: string, q: tf.Tensor, k: tf.Tensor, sameFeatures: boolean): void {
  if (q.rank < 2 || k.rank !== q.rank) {
    throw new Error(`${where}: q and k must share one rank ≥ 2; got [${q.shape}], [${k.shape}]`);
  }
  if (q.shape.slice(0, -2).join(',') !== k.shape.slice(0, -2).join(',')) {
    throw new Error(`${where}: leading dims differ: q [${q.shape}], k [${k.shape}]`);
  }
  if (sameFeatures && q.shape[q.rank - 1] !== k.shape[k.rank - 1]) {
    throw new Error(`${where}: q and k feature sizes differ: q [${q.shape}], k [${k.shape}]`);
  }
}
