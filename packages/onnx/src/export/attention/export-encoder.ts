import { OnnxGraph } from '../../graph/onnx-graph.js';
import { type AttentionMaskInputs, attentionKeepNodes, describeMasking, lazyDim, maskInputNodes } from './attention-masking.js';
import { encoderBlockNodes, positionNodes } from './encoder-nodes.js';
import { exactInput, exactOutput } from './graph-io.js';
import { type PositionTableSource, type TransformerEncoderBlockSource, hostEncoderBlock, hostPositionTable } from './heed-sources.js';

/** Options of {@link exportTransformerEncoder}. */
export interface TransformerEncoderExportOptions extends AttentionMaskInputs {
  /**
   * Causal self-attention in every block; default each block's own setting (a Layer's `causal`,
   * a spec's `options.causal`).
   */
  causal?: boolean;
  /**
   * A position table added to the input before the first block: a built `PositionalEmbedding`
   * Layer (learned or sinusoidal) or a [maxLen, d] tensor such as `sinusoidalPositionalEncoding`.
   */
  positions?: PositionTableSource;
  /** Also output each block's self-attention weights as `attention_1` … `attention_L` [B, H, N, N]. Default false. */
  returnAttention?: boolean;
  /** Model doc string; default a description of the stack. */
  docString?: string;
}

/**
 * Exports a stack of Heed Transformer encoder blocks — built `TransformerEncoderBlock` Layers or
 * `{ weights, options }` as `transformerEncoderBlock` takes them, one or many, run in order — as
 * an ONNX model computing what they compute at inference (post- or pre-norm, relu or erf-GELU
 * FFN, LayerNormalization with each block's ε), optionally after adding a position table.
 * Heed has no encoder-stack class: a stack is the blocks applied one after another, each with
 * the same masking, which is what the graph does.
 *
 * Inputs: `input` [batch, seq_len, d]; with `validLens`, int64 `valid_lens` [batch] or
 * [batch, seq_len]; with `mask`, bool `mask` [batch|1, seq_len|1, seq_len|1] (shared by every
 * head and block). Outputs: `output` [batch, seq_len, d] and, with `returnAttention`,
 * `attention_1` … `attention_L` [batch, heads, seq_len, seq_len].
 *
 * @example
 * ```ts
 * const blocks = [1, 2].map((i) => new TransformerEncoderBlock({ numHeads: 3, ffnDim: 40, normFirst: true, seed: i }));
 * const positions = new PositionalEmbedding({ maxLen: 16, sinusoidal: true });
 * let x = positions.apply(tf.zeros([1, 7, 24])) as tf.Tensor; // builds every layer
 * for (const b of blocks) x = b.apply(x) as tf.Tensor;
 * const bytes = exportTransformerEncoder(blocks, { positions, validLens: 'per-batch', returnAttention: true });
 * // inputs input, valid_lens; outputs output, attention_1, attention_2
 * ```
 */
export function exportTransformerEncoder(
  blocks: TransformerEncoderBlockSource | readonly TransformerEncoderBlockSource[],
  options: TransformerEncoderExportOptions = {},
): Uint8Array {
  const where = 'exportTransformerEncoder';
  const list = Array.isArray(blocks) ? (blocks as readonly TransformerEncoderBlockSource[]) : [blocks as TransformerEncoderBlockSource];
  if (list.length === 0) throw new Error(`${where}: no blocks given`);
  const hosts = list.map(hostEncoderBlock);
  const d = hosts[0]!.attention.q.inDim;
  hosts.forEach((b, i) => {
    if (b.attention.q.inDim !== d) throw new Error(`${where}: block ${i + 1} has width ${b.attention.q.inDim}, block 1 has ${d}`);
  });
  const positions = options.positions && hostPositionTable(options.positions);
  if (positions && positions.dim !== d) throw new Error(`${where}: position table width ${positions.dim} ≠ model width ${d}`);

  const g = new OnnxGraph('heed_transformer_encoder');
  const input = exactInput(g, 'input', 'float32', ['batch', 'seq_len', d]);
  const length = lazyDim(g, input, 1, 'seq_len');
  const parts = maskInputNodes(g, { validLens: options.validLens, mask: options.mask }, {
    queryLength: length, keyLength: length, queryDim: 'seq_len',
    maskDims: ['mask_batch', 'mask_query_len', 'mask_key_len'],
    maskToScores: (m) => g.node('Unsqueeze', [m, g.int64s([1])], {}, 'mask.per_head'),
  });
  // One keep-mask per kind of block (causal or not), shared by the blocks of that kind.
  const keeps = new Map<boolean, string | undefined>();
  const keepFor = (causal: boolean) => {
    if (!keeps.has(causal)) keeps.set(causal, attentionKeepNodes(g, { ...parts, causal }));
    return keeps.get(causal);
  };

  let x = positions ? positionNodes(g, input, positions) : input;
  const attention: string[] = [];
  hosts.forEach((block, i) => {
    const causal = options.causal ?? block.attention.causal;
    const result = encoderBlockNodes(g, x, block, keepFor(causal), `block${i + 1}`);
    x = result.output;
    attention.push(result.weights);
  });
  exactOutput(g, x, 'float32', ['batch', 'seq_len', d], 'output');
  if (options.returnAttention) {
    attention.forEach((w, i) => exactOutput(g, w, 'float32', ['batch', hosts[i]!.attention.numHeads, 'seq_len', 'seq_len'], `attention_${i + 1}`));
  }

  const causalBlocks = hosts.map((b) => options.causal ?? b.attention.causal);
  const described = describeMasking({ ...options, causal: causalBlocks.every(Boolean) });
  const summary = hosts.map((b) => `${b.normFirst ? 'pre' : 'post'}-norm ${b.attention.numHeads} heads ${b.ffn.activation} FFN ${b.ffn.w1.outDim}`).join('; ');
  return g.toModel({
    docString: options.docString
      ?? `Heed Transformer encoder, ${hosts.length} block(s) of width ${d}${positions ? `, positions up to ${positions.maxLen}` : ''}${described ? `, ${described}` : ''}: ${summary}`,
    metadata: {
      'heed.model': 'transformer-encoder', 'heed.num_blocks': String(hosts.length), 'heed.model_dim': String(d),
      'heed.num_heads': hosts.map((b) => b.attention.numHeads).join(','), 'heed.causal': causalBlocks.join(','),
      ...(positions ? { 'heed.max_len': String(positions.maxLen) } : {}),
      ...(described ? { 'heed.masking': described } : {}),
    },
  });
}
