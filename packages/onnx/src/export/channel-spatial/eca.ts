/**
 * Efficient Channel Attention (Wang et al., 2020) as ONNX: global average pool → 1-D conv of odd
 * size k across channels (no bias, zero 'same' padding) → sigmoid → rescale channels;
 * channel-spatial's `eca` on [B, H, W, C] or [B, N, C].
 */
import { ECA, type EcaWeights } from '@heed/channel-spatial';
import { hostFloats } from '../../graph/layers.js';
import type { OnnxGraph } from '../../graph/onnx-graph.js';
import { type BlockExportOptions, type BlockNodes, exportBlock } from './block-export.js';
import { type FeatureLayout, globalPool, scaleChannels } from './feature-map.js';
import { ecaWeightsOf } from './from-layers.js';

/**
 * Adds an ECA block's nodes on the channels-last features `x`. The pooled descriptor [B, C] is
 * seen as a one-channel signal [B, 1, C] for ONNX's Conv (cross-correlation, as PyTorch's Conv1d
 * and tfjs's conv1d).
 *
 * @example
 * ```ts
 * const { output, channelWeights } = ecaNodes(g, x, { kernel }, 'points'); // [B, N, C], [B, C]
 * ```
 */
export function ecaNodes(g: OnnxGraph, x: string, weights: EcaWeights, layout: FeatureLayout, hint = 'eca'): BlockNodes {
  const k = ecaKernelLength(weights);
  const signal = g.node('Unsqueeze', [globalPool(g, x, layout, 'avg', `${hint}.squeeze`), g.int64s([1])], {}, `${hint}.signal`);
  const pad = (k - 1) / 2;
  const conv = g.node('Conv', [signal, g.constant(hostFloats(weights.kernel), [1, 1, k], `${hint}.kernel`)], {
    kernel_shape: [k], pads: [pad, pad], strides: [1],
  }, `${hint}.conv`);
  const channelWeights = g.node('Squeeze', [g.node('Sigmoid', [conv], {}, `${hint}.sigmoid`), g.int64s([1])], {}, `${hint}.channel_weights`);
  return { output: scaleChannels(g, x, channelWeights, layout, `${hint}.output`), channelWeights };
}

/**
 * An ECA block as an ONNX model: input `features` ([B, H, W, C] or, with `layout: 'points'`,
 * [B, N, C]), outputs `output` and `attention_channel` [B, C]. ECA's weights do not fix C, so
 * `options.channels` is required. Takes explicit weights or a built `ECA` layer.
 *
 * @example
 * ```ts
 * const bytes = exportEca({ kernel: tf.tensor1d([0.2, 0.5, 0.3]) }, { channels: 64 });
 * ```
 */
export function exportEca(block: EcaWeights | ECA, options: BlockExportOptions & { channels: number }): Uint8Array {
  const weights = block instanceof ECA ? ecaWeightsOf(block) : block;
  ecaKernelLength(weights);
  if (!(Number.isInteger(options.channels) && options.channels > 0)) throw new Error(`exportEca: channels must be a positive integer, got ${options.channels}`);
  return exportBlock('eca', options.channels, options, (g, x, layout) => ecaNodes(g, x, weights, layout));
}

function ecaKernelLength(weights: EcaWeights): number {
  const k = weights.kernel.shape[0]!;
  if (weights.kernel.rank !== 1 || k % 2 !== 1) throw new Error(`ECA export: kernel must be [k] with k odd, got [${weights.kernel.shape}]`);
  return k;
}
