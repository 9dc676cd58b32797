/**
 * Multi-head attention as ONNX nodes, shared by the multi-head attention and Transformer
 * exporters: project, split heads, attend ({@link scaledDotProductAttentionNodes}), merge heads,
 * project — as @heed/attention's `multiHeadAttention` computes it.
 */
import type { OnnxGraph } from '../../graph/onnx-graph.js';
import { linear } from '../../graph/layers.js';
import type { HostLinear, HostMultiHeadAttention } from './heed-sources.js';
import { type AttentionNodes, scaledDotProductAttentionNodes } from './sdpa-nodes.js';

/** Options of {@link multiHeadAttentionNodes}. */
export interface MultiHeadAttentionNodeOptions {
  /** Bool keep-mask broadcastable to the scores [B, H, Nq, Nk]. */
  keep?: string;
  /** Prefix of the value and weight names. */
  hint?: string;
}

/**
 * Adds multi-head attention of `query` [B, Nq, dQuery] over `key` [B, Nk, dKey] and `value`
 * [B, Nk, dValue] (the same value name three times for self-attention). Returns `output`
 * [B, Nq, dOut] and the per-head `weights` [B, H, Nq, Nk].
 *
 * @example
 * ```ts
 * const host = hostMultiHeadAttention(mha);
 * const { output, weights } = multiHeadAttentionNodes(g, x, x, x, host, { keep, hint: 'block1.attention' });
 * ```
 */
export function multiHeadAttentionNodes(
  g: OnnxGraph, query: string, key: string, value: string, mha: HostMultiHeadAttention, options: MultiHeadAttentionNodeOptions = {},
): AttentionNodes {
  const hint = options.hint ?? 'mha';
  const { numHeads, keyDim, valueDim } = mha;
  const q = splitHeads(g, project(g, query, mha.q, `${hint}.q`), numHeads, keyDim, `${hint}.q_heads`);
  const k = splitHeads(g, project(g, key, mha.k, `${hint}.k`), numHeads, keyDim, `${hint}.k_heads`);
  const v = splitHeads(g, project(g, value, mha.v, `${hint}.v`), numHeads, valueDim, `${hint}.v_heads`);
  const attended = scaledDotProductAttentionNodes(g, q, k, v, { scale: mha.scale, keep: options.keep, hint: `${hint}.sdpa` });
  // [B, H, Nq, dv] → [B, Nq, H, dv] → [B, Nq, H·dv]
  const merged = g.node('Reshape', [
    g.node('Transpose', [attended.output], { perm: [0, 2, 1, 3] }, `${hint}.merge`), g.int64s([0, 0, numHeads * valueDim]),
  ], {}, `${hint}.merged`);
  return { output: project(g, merged, mha.o, `${hint}.o`), weights: attended.weights };
}

/** x [..., in] · W + b. */
function project(g: OnnxGraph, x: string, p: HostLinear, hint: string): string {
  return linear(g, x, p.weight, p.inDim, p.outDim, { bias: p.bias, hint });
}

/** [B, N, H·d] → [B, H, N, d] (Reshape's 0 keeps the run-time B and N). */
function splitHeads(g: OnnxGraph, x: string, numHeads: number, headDim: number, hint: string): string {
  const split = g.node('Reshape', [x, g.int64s([0, 0, numHeads, headDim])], {}, `${hint}.split`);
  return g.node('Transpose', [split], { perm: [0, 2, 1, 3] }, hint);
}
