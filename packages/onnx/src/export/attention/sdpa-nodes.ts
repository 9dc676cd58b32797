/**
 * The scaled-dot-product attention core as ONNX nodes, shared by every attention exporter:
 * softmax(scale · Q Kᵀ, masked) V over [B, H, N, d] values, as @heed/attention's composed path
 * computes it (Q is scaled before the product).
 */
import type { OnnxGraph } from '../../graph/onnx-graph.js';
import { maskedSoftmaxNodes } from './attention-masking.js';

/** Options of {@link scaledDotProductAttentionNodes}. */
export interface AttentionNodeOptions {
  /** Multiplies the scores (Heed's default is 1/√d, d the query/key width). */
  scale: number;
  /** Bool keep-mask broadcastable to the scores [B, H, Nq, Nk] (see `attentionKeepNodes`). */
  keep?: string;
  /** Prefix of the value names. */
  hint?: string;
}

/** The values attention produces: pooled values and the weights that pooled them. */
export interface AttentionNodes {
  /** [B, H, Nq, dv] */
  output: string;
  /** [B, H, Nq, Nk] */
  weights: string;
}

/**
 * Adds softmax(scale · q kᵀ, masked by `keep`) v for q [B, H, Nq, d], k [B, H, Nk, d] and
 * v [B, H, Nk, dv].
 *
 * @example
 * ```ts
 * const { output, weights } = scaledDotProductAttentionNodes(g, q, k, v, { scale: 1 / Math.sqrt(d), keep });
 * ```
 */
export function scaledDotProductAttentionNodes(g: OnnxGraph, q: string, k: string, v: string, options: AttentionNodeOptions): AttentionNodes {
  const hint = options.hint ?? 'sdpa';
  const scaled = g.node('Mul', [q, g.scalar(options.scale, `${hint}.scale`)], {}, `${hint}.q_scaled`);
  const keyT = g.node('Transpose', [k], { perm: [0, 1, 3, 2] }, `${hint}.k_t`);
  const scores = g.node('MatMul', [scaled, keyT], {}, `${hint}.scores`);
  const weights = maskedSoftmaxNodes(g, scores, options.keep, `${hint}.weights`);
  return { output: g.node('MatMul', [weights, v], {}, `${hint}.pooled`), weights };
}
