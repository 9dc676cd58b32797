/**
 * Squeeze-and-Excitation (Hu et al., 2018) as ONNX: global average pool → FC C→h → ReLU → FC h→C
 * → sigmoid → rescale channels; channel-spatial's `squeezeExcitation` on [B, H, W, C] or [B, N, C].
 */
import { type MlpWeights, SqueezeExcitation } from '@heed/channel-spatial';
import type { OnnxGraph } from '../../graph/onnx-graph.js';
import { type BlockExportOptions, type BlockNodes, exportBlock } from './block-export.js';
import { type FeatureLayout, globalPool, scaleChannels } from './feature-map.js';
import { squeezeExcitationWeightsOf } from './from-layers.js';
import { bottleneckMlpNodes, mlpWidths } from './mlp.js';

/**
 * Adds an SE block's nodes on the channels-last features `x`; returns its output and channel gate.
 *
 * @example
 * ```ts
 * const { output, channelWeights } = squeezeExcitationNodes(g, x, { w1, w2 }, 'image'); // [B, H, W, C], [B, C]
 * ```
 */
export function squeezeExcitationNodes(g: OnnxGraph, x: string, weights: MlpWeights, layout: FeatureLayout, hint = 'se'): BlockNodes {
  const logits = bottleneckMlpNodes(g, globalPool(g, x, layout, 'avg', `${hint}.squeeze`), weights, `${hint}.mlp`);
  const channelWeights = g.node('Sigmoid', [logits], {}, `${hint}.channel_weights`);
  return { output: scaleChannels(g, x, channelWeights, layout, `${hint}.output`), channelWeights };
}

/**
 * An SE block as an ONNX model: input `features` ([B, H, W, C], or [B, N, C] with
 * `layout: 'points'`; B and the positions symbolic unless given), outputs `output` and
 * `attention_channel` [B, C]. Takes explicit weights or a built `SqueezeExcitation` layer.
 *
 * @example
 * ```ts
 * const bytes = exportSqueezeExcitation({ w1, w2 }, { layout: 'image' });
 * const session = await createOnnxSession(bytes);
 * const { output, attention_channel } = await session.run({ features: { data, dims: [2, 9, 9, 12] } });
 * ```
 */
export function exportSqueezeExcitation(block: MlpWeights | SqueezeExcitation, options: BlockExportOptions = {}): Uint8Array {
  const weights = block instanceof SqueezeExcitation ? squeezeExcitationWeightsOf(block) : block;
  const { channels } = mlpWidths(weights, 'exportSqueezeExcitation');
  return exportBlock('squeeze_excitation', channels, options, (g, x, layout) => squeezeExcitationNodes(g, x, weights, layout));
}
