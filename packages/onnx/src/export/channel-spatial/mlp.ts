/**
 * The bottleneck MLP C → hidden → ReLU → C that SE and CBAM's channel gate put on pooled channel
 * descriptors, as ONNX nodes (channel-spatial's `bottleneckMlp` and `sharedMlpSum`). Weights are
 * channel-spatial's {@link MlpWeights} (tfjs tensors, Dense layout [in, out]); their values are
 * copied into the graph as initializers.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { MlpWeights } from '@heed/channel-spatial';
import { hostFloats, linear } from '../../graph/layers.js';
import type { OnnxGraph } from '../../graph/onnx-graph.js';

/**
 * Input and hidden width of an MLP's weights, after checking that they fit together.
 *
 * @example
 * ```ts
 * mlpWidths({ w1: tf.zeros([64, 4]), w2: tf.zeros([4, 64]) } as MlpWeights, 'se'); // { channels: 64, hidden: 4 }
 * ```
 */
export function mlpWidths(weights: MlpWeights, where: string): { channels: number; hidden: number } {
  const [channels, hidden] = weights.w1.shape;
  const fits = (t: tf.Tensor | undefined, shape: number[]) => !t || (t.rank === shape.length && t.shape.every((d, i) => d === shape[i]));
  if (weights.w1.rank !== 2 || !fits(weights.w2, [hidden, channels]) || !fits(weights.b1, [hidden]) || !fits(weights.b2, [channels])) {
    const shape = (t: tf.Tensor | undefined) => (t ? `[${t.shape}]` : '-');
    throw new Error(
      `${where}: MLP weights do not fit: w1 ${shape(weights.w1)}, b1 ${shape(weights.b1)}, w2 ${shape(weights.w2)}, b2 ${shape(weights.b2)}`,
    );
  }
  return { channels, hidden };
}

/**
 * `relu(x W1 + b1) W2 + b2` on [..., C] → [..., C] (no output activation).
 *
 * @example
 * ```ts
 * const logits = bottleneckMlpNodes(g, globalPool(g, x, 'image', 'avg'), seWeights, 'se.mlp'); // [B, C]
 * ```
 */
export function bottleneckMlpNodes(g: OnnxGraph, x: string, weights: MlpWeights, hint = 'mlp'): string {
  const { channels, hidden } = mlpWidths(weights, hint);
  const h = linear(g, x, hostFloats(weights.w1), channels, hidden, { ...biasOf(weights.b1), activation: 'relu', hint: `${hint}.fc1` });
  return linear(g, h, hostFloats(weights.w2), hidden, channels, { ...biasOf(weights.b2), hint: `${hint}.fc2` });
}

/**
 * `Σᵢ mlp(descriptorsᵢ)` with ONE shared MLP, computed as channel-spatial's `sharedMlpSum` does:
 * the descriptors [B, C] are stacked to [n, B, C] for a single first layer, the hidden activations
 * summed over n, the second layer run once (its bias counted n times).
 *
 * @example
 * ```ts
 * const avg = globalPool(g, x, 'image', 'avg'), max = globalPool(g, x, 'image', 'max');
 * const logits = sharedMlpSumNodes(g, [avg, max], cbamWeights.channel, 'cbam.mlp'); // [B, C]
 * ```
 */
export function sharedMlpSumNodes(g: OnnxGraph, descriptors: string[], weights: MlpWeights, hint = 'mlp'): string {
  const n = descriptors.length;
  if (n === 0) throw new Error(`${hint}: no descriptors`);
  const { channels, hidden } = mlpWidths(weights, hint);
  const axis0 = g.int64s([0]);
  const stacked = n === 1 ? g.node('Unsqueeze', [descriptors[0]!, axis0]) : g.node(
    'Concat', descriptors.map((d) => g.node('Unsqueeze', [d, axis0], {}, `${hint}.descriptor`)), { axis: 0 }, `${hint}.stacked`,
  );
  const h = linear(g, stacked, hostFloats(weights.w1), channels, hidden, { ...biasOf(weights.b1), activation: 'relu', hint: `${hint}.fc1` });
  const summed = g.node('ReduceSum', [h, axis0], { keepdims: 0 }, `${hint}.hidden_sum`);
  const b2 = weights.b2 ? hostFloats(weights.b2).map((v) => v * n) : undefined;
  return linear(g, summed, hostFloats(weights.w2), hidden, channels, { ...(b2 ? { bias: b2 } : {}), hint: `${hint}.fc2` });
}

function biasOf(b: tf.Tensor | undefined): { bias?: Float32Array } {
  return b ? { bias: hostFloats(b) } : {};
}
