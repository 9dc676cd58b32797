/**
 * ONNX export of @heed/attention's models: scaled-dot-product attention, multi-head attention
 * (self and cross) and Transformer encoder stacks, each with Heed's masking and, on request, the
 * attention weights as outputs named `attention…`. The node builders (attention-masking,
 * sdpa-nodes, mha-nodes, encoder-nodes) stay internal; other exporters import them by path.
 */
export type { AttentionMaskInputs, ValidLensLayout } from './attention-masking.js';
export {
  type MultiHeadAttentionSource, type MultiHeadAttentionSpec, type PositionTableSource, type TransformerEncoderBlockSource,
  type TransformerEncoderBlockSpec,
} from './heed-sources.js';
export { type ScaledDotProductAttentionExportOptions, exportScaledDotProductAttention } from './export-sdpa.js';
export { type MultiHeadAttentionExportOptions, type MultiHeadAttentionInputs, exportMultiHeadAttention } from './export-mha.js';
export { type TransformerEncoderExportOptions, exportTransformerEncoder } from './export-encoder.js';
