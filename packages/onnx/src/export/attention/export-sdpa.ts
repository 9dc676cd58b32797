import { OnnxGraph } from '../../graph/onnx-graph.js';
import { type AttentionMaskInputs, attentionKeepNodes, describeMasking, lazyDim, maskInputNodes } from './attention-masking.js';
import { exactInput, exactOutput } from './graph-io.js';
import { scaledDotProductAttentionNodes } from './sdpa-nodes.js';

/** Options of {@link exportScaledDotProductAttention}. */
export interface ScaledDotProductAttentionExportOptions extends AttentionMaskInputs {
  /** Width d of queries and keys (fixed in the graph). */
  keyDim: number;
  /** Width dv of values; default `keyDim`. */
  valueDim?: number;
  /** A fixed head count H; default a symbolic `heads` dimension. */
  numHeads?: number;
  /** Multiplies the scores; default 1/√keyDim, as Heed's `scaledDotProductAttention`. */
  scale?: number;
  /** Also output the weights as `attention` [B, H, Nq, Nk]. Default true. */
  returnAttention?: boolean;
  /** Model doc string; default a description of the graph. */
  docString?: string;
}

/**
 * Exports Heed's `scaledDotProductAttention` for [B, H, N, d] inputs as an ONNX model:
 * softmax(scale · Q Kᵀ) V with Heed's masking, where masked keys get weight 0 and a query with no
 * key left gets all-zero weights (and a zero output).
 *
 * Inputs: `query` [batch, heads, query_len, d], `key` [batch, heads, key_len, d], `value`
 * [batch, heads, key_len, dv]; with `validLens`, int64 `valid_lens` [batch] ('per-batch') or
 * [batch, query_len] ('per-query'); with `mask`, bool `mask` broadcastable to
 * [batch, heads, query_len, key_len] (rank 4, `true` = may attend). Batch, heads (unless fixed)
 * and lengths are dynamic. Outputs: `output` [batch, heads, query_len, dv] and, unless
 * `returnAttention: false`, `attention` [batch, heads, query_len, key_len].
 *
 * @example
 * ```ts
 * const bytes = exportScaledDotProductAttention({ keyDim: 8, validLens: 'per-batch', causal: true });
 * const session = await createOnnxSession(bytes, { engine: 'ort-node' });
 * const { output, attention } = await session.run({
 *   query: { data: q, dims: [2, 3, 7, 8] }, key: { data: k, dims: [2, 3, 7, 8] }, value: { data: v, dims: [2, 3, 7, 8] },
 *   valid_lens: { data: BigInt64Array.of(7n, 4n), dims: [2] },
 * });
 * ```
 */
export function exportScaledDotProductAttention(options: ScaledDotProductAttentionExportOptions): Uint8Array {
  const { keyDim, valueDim = keyDim, numHeads, returnAttention = true } = options;
  for (const [name, value] of Object.entries({ keyDim, valueDim, numHeads: numHeads ?? 1 })) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`exportScaledDotProductAttention: ${name} must be a positive integer, got ${value}`);
  }
  const scale = options.scale ?? 1 / Math.sqrt(keyDim);
  const heads = numHeads ?? 'heads';
  const g = new OnnxGraph('heed_scaled_dot_product_attention');
  const query = exactInput(g, 'query', 'float32', ['batch', heads, 'query_len', keyDim]);
  const key = exactInput(g, 'key', 'float32', ['batch', heads, 'key_len', keyDim]);
  const value = exactInput(g, 'value', 'float32', ['batch', heads, 'key_len', valueDim]);
  const keep = attentionKeepNodes(g, maskInputNodes(g, options, {
    queryLength: lazyDim(g, query, 2, 'query_len'), keyLength: lazyDim(g, key, 2, 'key_len'), queryDim: 'query_len',
    maskDims: ['mask_batch', 'mask_heads', 'mask_query_len', 'mask_key_len'],
  }));
  const { output, weights } = scaledDotProductAttentionNodes(g, query, key, value, { scale, keep });
  exactOutput(g, output, 'float32', ['batch', heads, 'query_len', valueDim], 'output');
  if (returnAttention) exactOutput(g, weights, 'float32', ['batch', heads, 'query_len', 'key_len'], 'attention');
  const masking = describeMasking(options);
  return g.toModel({
    docString: options.docString ?? `Heed scaled-dot-product attention, d=${keyDim}, dv=${valueDim}, scale=${scale}${masking ? `, ${masking}` : ''}`,
    metadata: {
      'heed.model': 'scaled-dot-product-attention', 'heed.key_dim': String(keyDim), 'heed.value_dim': String(valueDim),
      'heed.scale': String(scale), ...(numHeads ? { 'heed.num_heads': String(numHeads) } : {}), ...(masking ? { 'heed.masking': masking } : {}),
    },
  });
}
