import { OnnxGraph } from '../../graph/onnx-graph.js';
import { type AttentionMaskInputs, attentionKeepNodes, describeMasking, lazyDim, maskInputNodes } from './attention-masking.js';
import { exactInput, exactOutput } from './graph-io.js';
import { type MultiHeadAttentionSource, hostMultiHeadAttention } from './heed-sources.js';
import { multiHeadAttentionNodes } from './mha-nodes.js';

/**
 * Which inputs an exported multi-head attention takes:
 * - 'self': `query` only (self-attention: keys and values are the queries);
 * - 'cross': `query` and `key_value` (keys = values, as the Layer called with `[query, value]`);
 * - 'separate': `query`, `key` and `value` (as `multiHeadAttention(query, key, value, …)`).
 */
export type MultiHeadAttentionInputs = 'self' | 'cross' | 'separate';

/** Options of {@link exportMultiHeadAttention}. */
export interface MultiHeadAttentionExportOptions extends AttentionMaskInputs {
  /** Default 'self'. */
  inputs?: MultiHeadAttentionInputs;
  /** Also output the per-head weights as `attention` [B, H, Nq, Nk]. Default false. */
  returnAttention?: boolean;
  /** Model doc string; default a description of the model. */
  docString?: string;
}

/**
 * Exports a Heed multi-head attention — the built `MultiHeadAttention` Layer, or
 * `{ weights, options }` as `multiHeadAttention` takes them — as an ONNX model that computes what
 * it computes at inference: projections (with biases when present), per-head scaled-dot-product
 * attention (scale 1/√keyDim unless the spec sets one) with Heed's masking, and the output
 * projection. Weights are copied from the tfjs variables; no tensor is left behind.
 *
 * Inputs: `query` [batch, query_len, dQuery]; with `inputs: 'cross'`, `key_value`
 * [batch, key_len, dKey]; with 'separate', `key` [batch, key_len, dKey] and `value`
 * [batch, key_len, dValue]; with `validLens`, int64 `valid_lens` [batch] or [batch, query_len];
 * with `mask`, bool `mask` [batch|1, query_len|1, key_len|1] (per batch element, shared by every
 * head). `causal` defaults to the source's. Outputs: `output` [batch, query_len, dOut] and, with
 * `returnAttention`, `attention` [batch, heads, query_len, key_len].
 *
 * @example
 * ```ts
 * const mha = new MultiHeadAttention({ numHeads: 3, keyDim: 8 });
 * mha.apply([tf.zeros([1, 7, 24]), tf.zeros([1, 5, 10])]); // builds it: query width 24, memory width 10
 * const bytes = exportMultiHeadAttention(mha, { inputs: 'cross', returnAttention: true, validLens: 'per-batch' });
 * const session = await createOnnxSession(bytes);
 * const { output, attention } = await session.run({
 *   query: { data: x, dims: [2, 7, 24] }, key_value: { data: memory, dims: [2, 5, 10] },
 *   valid_lens: { data: BigInt64Array.of(5n, 3n), dims: [2] },
 * }); // output [2, 7, 24]; attention [2, 3, 7, 5]
 * ```
 */
export function exportMultiHeadAttention(source: MultiHeadAttentionSource, options: MultiHeadAttentionExportOptions = {}): Uint8Array {
  const mha = hostMultiHeadAttention(source);
  const inputs = options.inputs ?? 'self';
  const where = 'exportMultiHeadAttention';
  if (inputs !== 'self' && inputs !== 'cross' && inputs !== 'separate') throw new Error(`${where}: unknown inputs '${String(inputs)}'`);
  const dQuery = mha.q.inDim, dKey = mha.k.inDim, dValue = mha.v.inDim;
  if (inputs === 'self' && (dKey !== dQuery || dValue !== dQuery)) {
    throw new Error(`${where}: self-attention needs equal query, key and value widths; got ${dQuery}, ${dKey}, ${dValue} (use inputs: 'cross' or 'separate')`);
  }
  if (inputs === 'cross' && dKey !== dValue) {
    throw new Error(`${where}: inputs 'cross' feeds one key_value to both projections, but key width ${dKey} ≠ value width ${dValue} (use 'separate')`);
  }

  const g = new OnnxGraph('heed_multi_head_attention');
  const query = exactInput(g, 'query', 'float32', ['batch', 'query_len', dQuery]);
  const keyLen = inputs === 'self' ? 'query_len' : 'key_len';
  const [key, value] = inputs === 'self' ? [query, query]
    : inputs === 'cross' ? Array<string>(2).fill(exactInput(g, 'key_value', 'float32', ['batch', keyLen, dKey]))
    : [exactInput(g, 'key', 'float32', ['batch', keyLen, dKey]), exactInput(g, 'value', 'float32', ['batch', keyLen, dValue])];
  const masking: AttentionMaskInputs = { validLens: options.validLens, mask: options.mask, causal: options.causal ?? mha.causal };
  const keep = attentionKeepNodes(g, maskInputNodes(g, masking, {
    queryLength: lazyDim(g, query, 1, 'query_len'), keyLength: lazyDim(g, key!, 1, 'key_len'), queryDim: 'query_len',
    maskDims: ['mask_batch', 'mask_query_len', 'mask_key_len'],
    // [B, Nq, Nk] is per batch element: a unit head axis broadcasts it over heads (as Heed does).
    maskToScores: (m) => g.node('Unsqueeze', [m, g.int64s([1])], {}, 'mask.per_head'),
  }));
  const { output, weights } = multiHeadAttentionNodes(g, query, key!, value!, mha, { keep, hint: 'mha' });
  exactOutput(g, output, 'float32', ['batch', 'query_len', mha.o.outDim], 'output');
  if (options.returnAttention) exactOutput(g, weights, 'float32', ['batch', mha.numHeads, 'query_len', keyLen], 'attention');

  const described = describeMasking(masking);
  return g.toModel({
    docString: options.docString
      ?? `Heed multi-head attention (${inputs}), ${mha.numHeads} heads of width ${mha.keyDim}/${mha.valueDim}, ${dQuery} → ${mha.o.outDim}${described ? `, ${described}` : ''}`,
    metadata: {
      'heed.model': 'multi-head-attention', 'heed.inputs': inputs, 'heed.num_heads': String(mha.numHeads),
      'heed.key_dim': String(mha.keyDim), 'heed.value_dim': String(mha.valueDim), 'heed.scale': String(mha.scale),
      ...(described ? { 'heed.masking': described } : {}),
    },
  });
}
