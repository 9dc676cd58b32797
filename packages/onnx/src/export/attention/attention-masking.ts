/**
 * Masking of attention scores in ONNX, with @heed/attention's semantics (`attentionKeep`,
 * `maskedSoftmax`, `causalMask`): a boolean keep-mask (`true` = may attend) built from valid key
 * lengths, a user mask and causality, and a softmax over kept keys only, in which masked keys get
 * weight exactly 0 and a row with no kept key is all zeros (never NaN, never uniform).
 */
import type { OnnxGraph } from '../../graph/onnx-graph.js';
import { exactInput } from './graph-io.js';

/**
 * How valid key lengths enter a graph: one length per batch element (int64 `valid_lens` [B],
 * shared by every query and head) or one per query (int64 `valid_lens` [B, Nq]).
 */
export type ValidLensLayout = 'per-batch' | 'per-query';

/** Mask inputs an exported attention graph may take (each one adds a graph input). */
export interface AttentionMaskInputs {
  /** Adds an int64 input `valid_lens`: keys at positions ≥ the length get weight 0. */
  validLens?: ValidLensLayout;
  /** Adds a bool input `mask` (`true` = may attend); its shape is given by each exporter. */
  mask?: boolean;
  /** Query i attends keys j ≤ i only (top-left aligned, as Heed's `causalMask`). */
  causal?: boolean;
}

/** The graph values an attention keep-mask is made of. */
export interface KeepMaskParts {
  /** The number of queries Nq as an int64 scalar, added on first use (see {@link lazyDim}). */
  queryLength: () => string;
  /** The number of keys Nk as an int64 scalar, added on first use. */
  keyLength: () => string;
  causal?: boolean;
  /** The int64 `valid_lens` value and its layout. */
  validLens?: { value: string; layout: ValidLensLayout };
  /** A bool value already broadcastable to the scores [B, H, Nq, Nk]. */
  mask?: string;
}

/**
 * The run-time size of axis `axis` of `x` as an int64 scalar (for Range), added to the graph on
 * the first call of the returned function only, so unmasked graphs carry no unused nodes.
 *
 * @example
 * ```ts
 * const keyLength = lazyDim(g, key, 1, 'key_len'); // key [B, Nk, D]
 * const nk = keyLength(); // int64 scalar value
 * ```
 */
export function lazyDim(g: OnnxGraph, x: string, axis: number, hint = 'dim'): () => string {
  let value: string | undefined;
  return () => {
    if (value) return value;
    const index = g.constant(BigInt64Array.of(BigInt(axis)), [], `${hint}.axis`);
    value = g.node('Gather', [g.node('Shape', [x], {}, `${hint}.shape`), index], { axis: 0 }, hint);
    return value;
  };
}

/**
 * The keep-mask of scores [B, H, Nq, Nk] as one bool value broadcastable to them (logical and of
 * causality, valid lengths and a mask), or undefined when nothing is masked.
 *
 * @example
 * ```ts
 * const keep = attentionKeepNodes(g, {
 *   queryLength: lazyDim(g, q, 2), keyLength: lazyDim(g, k, 2), causal: true,
 *   validLens: { value: g.input('valid_lens', 'int64', ['batch']), layout: 'per-batch' },
 * }); // bool [B, 1, Nq, Nk]
 * ```
 */
export function attentionKeepNodes(g: OnnxGraph, parts: KeepMaskParts): string | undefined {
  const keeps: string[] = [];
  if (!parts.causal && !parts.validLens && !parts.mask) return undefined;
  const zero = g.constant(BigInt64Array.of(0n), [], 'mask.zero');
  const one = g.constant(BigInt64Array.of(1n), [], 'mask.one');
  const keyPositions = g.node('Range', [zero, parts.keyLength(), one], {}, 'mask.key_positions'); // [Nk]
  if (parts.causal) {
    const queryPositions = g.node('Range', [zero, parts.queryLength(), one], {}, 'mask.query_positions');
    const column = g.node('Unsqueeze', [queryPositions, g.int64s([1])], {}, 'mask.query_column'); // [Nq, 1]
    keeps.push(g.node('Not', [g.node('Greater', [keyPositions, column])], {}, 'mask.causal')); // [Nq, Nk]
  }
  if (parts.validLens) {
    const { value, layout } = parts.validLens;
    // [B] → [B, 1, 1, 1]; [B, Nq] → [B, 1, Nq, 1]: broadcast over heads (and queries).
    const lens = layout === 'per-batch'
      ? g.node('Reshape', [value, g.int64s([-1, 1, 1, 1])], {}, 'mask.lens')
      : g.node('Unsqueeze', [value, g.int64s([1, 3])], {}, 'mask.lens');
    keeps.push(g.node('Less', [keyPositions, lens], {}, 'mask.valid'));
  }
  if (parts.mask) keeps.push(parts.mask);
  return keeps.reduce((a, b) => g.node('And', [a, b], {}, 'mask.keep'));
}

/**
 * Softmax over the last axis of `scores` that ignores keys where `keep` is false, exactly as
 * Heed's `maskedSoftmax`: the row maximum over kept keys is subtracted, masked keys weigh 0 and a
 * row with no kept key is all zeros. A plain Softmax when `keep` is undefined.
 *
 * @example
 * ```ts
 * const weights = maskedSoftmaxNodes(g, scores, keep); // [B, H, Nq, Nk]
 * ```
 */
export function maskedSoftmaxNodes(g: OnnxGraph, scores: string, keep: string | undefined, hint = 'softmax'): string {
  if (!keep) return g.node('Softmax', [scores], { axis: -1 }, hint);
  // Where broadcasts keep to the scores' shape; −3.4e38 keeps the maximum finite on masked rows.
  const lowest = g.scalar(-3.4e38, `${hint}.lowest`);
  const rowMax = g.node('ReduceMax', [g.node('Where', [keep, scores, lowest], {}, `${hint}.kept`)], { axes: [-1], keepdims: 1 }, `${hint}.max`);
  // Masked entries are replaced before Exp, so no inf or NaN can arise.
  const shifted = g.node('Where', [keep, g.node('Sub', [scores, rowMax], {}, `${hint}.centred`), g.scalar(0, `${hint}.zero`)], {}, `${hint}.shifted`);
  const e = g.node('Mul', [g.node('Exp', [shifted], {}, `${hint}.exp`), g.node('Cast', [keep], { to: 1 /* FLOAT */ }, `${hint}.keep`)], {}, `${hint}.e`);
  // A row with a kept key sums to ≥ 1 (its maximum gives e⁰); an all-masked row sums to 0, divided by 1.
  const sum = g.node('Max', [g.node('ReduceSum', [e, g.int64s([-1])], { keepdims: 1 }, `${hint}.sum`), g.scalar(1, `${hint}.one`)], {}, `${hint}.denominator`);
  return g.node('Div', [e, sum], {}, hint);
}

/** Where a graph's mask inputs sit: the run-time lengths and the declared shape of `mask`. */
export interface MaskInputLayout {
  /** Nq (see {@link lazyDim}). */
  queryLength: () => string;
  /** Nk. */
  keyLength: () => string;
  /** Symbolic name of the query axis (the dims of a per-query `valid_lens`). */
  queryDim: string;
  /** Declared dims of the `mask` input (symbolic names let size-1 axes broadcast). */
  maskDims: string[];
  /** Turns the `mask` input into a value broadcastable to [B, H, Nq, Nk] (default: as is). */
  maskToScores?: (mask: string) => string;
}

/**
 * Declares the inputs `valid_lens` (int64) and `mask` (bool) that `options` asks for, and returns
 * them with the run-time lengths and `options.causal` as the parts of a keep-mask; pass them
 * (with `causal` changed where a block differs) to {@link attentionKeepNodes}.
 *
 * @example
 * ```ts
 * const parts = maskInputNodes(g, { validLens: 'per-batch', causal: true }, {
 *   queryLength: lazyDim(g, query, 1), keyLength: lazyDim(g, key, 1), queryDim: 'query_len',
 *   maskDims: ['mask_batch', 'mask_query_len', 'mask_key_len'],
 *   maskToScores: (m) => g.node('Unsqueeze', [m, g.int64s([1])]),
 * });
 * const keep = attentionKeepNodes(g, parts); // bool, broadcastable to [B, H, Nq, Nk]
 * ```
 */
export function maskInputNodes(g: OnnxGraph, options: AttentionMaskInputs, layout: MaskInputLayout): KeepMaskParts {
  if (options.validLens && options.validLens !== 'per-batch' && options.validLens !== 'per-query') {
    throw new Error(`validLens: expected 'per-batch' or 'per-query', got ${String(options.validLens)}`);
  }
  const validLens = options.validLens && {
    value: exactInput(g, 'valid_lens', 'int64', options.validLens === 'per-batch' ? ['batch'] : ['batch', layout.queryDim]),
    layout: options.validLens,
  };
  const maskInput = options.mask ? exactInput(g, 'mask', 'bool', layout.maskDims) : undefined;
  const mask = maskInput && layout.maskToScores ? layout.maskToScores(maskInput) : maskInput;
  return { queryLength: layout.queryLength, keyLength: layout.keyLength, causal: options.causal, validLens, mask };
}

/**
 * The masking a graph applies, in words ('causal, valid_lens per-batch, mask'), or '' for none.
 *
 * @example
 * ```ts
 * describeMasking({ causal: true, validLens: 'per-query' }); // 'causal, valid_lens per-query'
 * ```
 */
export function describeMasking(options: AttentionMaskInputs): string {
  return [options.causal && 'causal', options.validLens && `valid_lens ${options.validLens}`, options.mask && 'mask'].filter(Boolean).join(', ');
}
