/** CBAM's channel gate as ONNX (channel-spatial's `cbamChannelGate`; attention-module's `ChannelGate`). */
import type { MlpWeights } from '@heed/channel-spatial';
import type { OnnxGraph } from '../../graph/onnx-graph.js';
import { type FeatureLayout, globalPool } from './feature-map.js';
import { sharedMlpSumNodes } from './mlp.js';

/**
 * `sigmoid(mlp(avgPool(x)) + mlp(maxPool(x)))`: both pooled descriptors through ONE shared MLP.
 * [B, ...positions, C] → [B, C].
 *
 * @example
 * ```ts
 * const gate = cbamChannelGateNodes(g, x, { w1, b1, w2, b2 }, 'image'); // [B, C] in (0, 1)
 * ```
 */
export function cbamChannelGateNodes(g: OnnxGraph, x: string, weights: MlpWeights, layout: FeatureLayout, hint = 'cbam.channel'): string {
  const descriptors = [globalPool(g, x, layout, 'avg', `${hint}.avg`), globalPool(g, x, layout, 'max', `${hint}.max`)];
  return g.node('Sigmoid', [sharedMlpSumNodes(g, descriptors, weights, `${hint}.mlp`)], {}, `${hint}.weights`);
}
