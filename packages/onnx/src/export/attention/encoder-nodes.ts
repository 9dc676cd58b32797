/**
 * Transformer encoder pieces as ONNX nodes: layer norm (the opset-17 LayerNormalization op), the
 * position-wise FFN, a whole encoder block (post- or pre-norm, as @heed/attention's
 * `transformerEncoderBlock`) and the addition of a position table.
 */
import { type OnnxGraph, float } from '../../graph/onnx-graph.js';
import { linear } from '../../graph/layers.js';
import type { HostEncoderBlock, HostLayerNorm, HostPositionTable } from './heed-sources.js';
import { multiHeadAttentionNodes } from './mha-nodes.js';
import type { AttentionNodes } from './sdpa-nodes.js';

/**
 * LayerNormalization over the last axis: (x − mean) / √(var + ε) · gamma + beta, biased variance.
 *
 * @example
 * ```ts
 * const h = layerNormNodes(g, x, block.norm1, 'block1.norm1');
 * ```
 */
export function layerNormNodes(g: OnnxGraph, x: string, norm: HostLayerNorm, hint = 'norm'): string {
  const d = norm.gamma.length;
  const gamma = g.constant(norm.gamma, [d], `${hint}.gamma`), beta = g.constant(norm.beta, [d], `${hint}.beta`);
  return g.node('LayerNormalization', [x, gamma, beta], { axis: -1, epsilon: float(norm.epsilon) }, hint);
}

/**
 * The position-wise FFN: act(x W1 + b1) W2 + b2 (relu, or erf GELU as Heed's 'gelu').
 *
 * @example
 * ```ts
 * const y = feedForwardNodes(g, h, block.ffn, 'block1.ffn');
 * ```
 */
export function feedForwardNodes(g: OnnxGraph, x: string, ffn: HostEncoderBlock['ffn'], hint = 'ffn'): string {
  const { w1, w2, activation } = ffn;
  const hidden = linear(g, x, w1.weight, w1.inDim, w1.outDim, { bias: w1.bias, activation, hint: `${hint}.linear1` });
  return linear(g, hidden, w2.weight, w2.inDim, w2.outDim, { bias: w2.bias, hint: `${hint}.linear2` });
}

/**
 * One encoder block on x [B, N, d]: self-attention (masked by `keep`) and the FFN, each in a
 * residual connection with layer norm — post-norm `LN(x + f(x))` or pre-norm `x + f(LN(x))`.
 * Returns the block's output [B, N, d] and attention weights [B, H, N, N].
 *
 * @example
 * ```ts
 * const { output, weights } = encoderBlockNodes(g, x, hostEncoderBlock(block), keep, 'block1');
 * ```
 */
export function encoderBlockNodes(g: OnnxGraph, x: string, block: HostEncoderBlock, keep: string | undefined, hint = 'block'): AttentionNodes {
  const attend = (h: string) => multiHeadAttentionNodes(g, h, h, h, block.attention, { keep, hint: `${hint}.attention` });
  const add = (a: string, b: string, name: string) => g.node('Add', [a, b], {}, `${hint}.${name}`);
  if (block.normFirst) {
    const attended = attend(layerNormNodes(g, x, block.norm1, `${hint}.norm1`));
    const h = add(x, attended.output, 'residual1');
    const fed = feedForwardNodes(g, layerNormNodes(g, h, block.norm2, `${hint}.norm2`), block.ffn, `${hint}.ffn`);
    return { output: add(h, fed, 'residual2'), weights: attended.weights };
  }
  const attended = attend(x);
  const h = layerNormNodes(g, add(x, attended.output, 'residual1'), block.norm1, `${hint}.norm1`);
  const fed = feedForwardNodes(g, h, block.ffn, `${hint}.ffn`);
  return { output: layerNormNodes(g, add(h, fed, 'residual2'), block.norm2, `${hint}.norm2`), weights: attended.weights };
}

/**
 * x [B, N, dim] + P[0:N] for a position table P [maxLen, dim] (N read at run time). A sequence
 * longer than maxLen fails in the Add, as Heed's `PositionalEmbedding` refuses it.
 *
 * @example
 * ```ts
 * const withPositions = positionNodes(g, x, hostPositionTable(sinusoidalPositionalEncoding(64, 24)));
 * ```
 */
export function positionNodes(g: OnnxGraph, x: string, positions: HostPositionTable, hint = 'positions'): string {
  const table = g.constant(positions.table, [positions.maxLen, positions.dim], `${hint}.table`);
  const length = g.node('Shape', [x], { start: 1, end: 2 }, `${hint}.length`); // [N]
  const rows = g.node('Slice', [table, g.int64s([0]), length, g.int64s([0])], {}, `${hint}.rows`);
  return g.node('Add', [x, rows], {}, hint);
}
