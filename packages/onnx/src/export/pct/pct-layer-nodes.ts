import type { AttentionLayer, BatchNorm, LBR, LocalOp, Pointwise } from '@heed/point-transformer';
import * as tf from '@tensorflow/tfjs-core';
import { type ChannelAffine, foldBatchNorm, hostFloats, linear, type LinearOptions } from '../../graph/layers.js';
import type { OnnxGraph } from '../../graph/onnx-graph.js';
import { gatherRowsNode } from './point-sampling-nodes.js';

/** A Heed BatchNorm (evaluation mode) as a per-channel affine map. */
export function batchNormAffine(bn: BatchNorm): ChannelAffine {
  return foldBatchNorm({
    gamma: hostFloats(bn.weight.variable), beta: hostFloats(bn.bias.variable),
    mean: hostFloats(bn.runningMean.variable), variance: hostFloats(bn.runningVar.variable), epsilon: bn.epsilon,
  });
}

/** A Heed Pointwise (1×1 conv / Linear) as MatMul (+ Add), with extra options (a folded norm, an activation). */
export function pointwiseNodes(g: OnnxGraph, x: string, p: Pointwise, hint: string, extra: Omit<LinearOptions, 'bias' | 'hint'> = {}): string {
  return linear(g, x, hostFloats(p.weight.variable), p.inChannels, p.outChannels, {
    ...(p.bias ? { bias: hostFloats(p.bias.variable) } : {}), ...extra, hint,
  });
}

/** PCT's LBR (Linear, BatchNorm, ReLU or LeakyReLU 0.2) with the BatchNorm folded into the weights. */
export function lbrNodes(g: OnnxGraph, x: string, lbr: LBR, hint: string): string {
  return pointwiseNodes(g, x, lbr.linear, hint, {
    norm: batchNormAffine(lbr.norm), activation: lbr.activation === 'relu' ? 'relu' : { leakyRelu: 0.2 },
  });
}

/**
 * PCT's `Local_op` on grouped neighbours, factored as Heed's `LocalOp.applyIndexed`:
 * conv1·[f_nb − f_c; f_c] = Wa·f_nb + (Wb − Wa)·f_c, so Wa runs once per point and (Wb − Wa) once
 * per centre before the gather; then BN, ReLU, the second LBR and a max over the k neighbours.
 *
 * @param features [B, N, C]; `centres` int64 [B, S]; `neighbours` int64 [B, S, K] → [B, S, out].
 */
export function localOpNodes(g: OnnxGraph, op: LocalOp, features: string, centres: string, neighbours: string, hint: string): string {
  const d = op.inChannels / 2, out = op.outChannels;
  const [wa, wDelta] = tf.tidy(() => {
    const w = op.lbr1.linear.weight.variable; // [2d, out]
    const a = tf.slice(w, [0, 0], [d, -1]);
    return [hostFloats(a), hostFloats(tf.sub(tf.slice(w, [d, 0], [d, -1]), a))];
  });
  const norm = batchNormAffine(op.lbr1.norm);
  // BN's scale goes into both halves; its shift only once, with the per-centre half.
  const perPoint = linear(g, features, wa!.map((w, i) => w * norm.scale[i % out]!), d, out, { hint: `${hint}.conv1_points` });
  const centreFeatures = gatherRowsNode(g, features, centres, `${hint}.centre_features`);
  const perCentre = linear(g, centreFeatures, wDelta!, d, out, { norm, hint: `${hint}.conv1_centres` });
  const summed = g.node('Add', [gatherRowsNode(g, perPoint, neighbours, `${hint}.grouped`), g.node('Unsqueeze', [perCentre, g.int64s([2])])], {}, `${hint}.conv1`);
  const h = lbrNodes(g, g.node('Relu', [summed], {}, `${hint}.relu1`), op.lbr2, `${hint}.lbr2`);
  return g.node('ReduceMax', [h], { axes: [2], keepdims: 0 }, `${hint}.max`);
}

/**
 * PCT's `SA_Layer`: offset-attention (PCT/SPCT) or scaled-dot self-attention (NPCT), then
 * x + ReLU(BN(trans_conv(y))). Returns the layer output [B, N, C] and its attention matrix
 * [B, N, N] (offset: Â, columns l1-normalised; scaled-dot: the softmax).
 */
export function attentionLayerNodes(g: OnnxGraph, layer: AttentionLayer, x: string, hint: string): { output: string; attention: string } {
  const c = layer.channels, d = c / 4;
  const project = (w: tf.Variable, name: string) => linear(g, x, hostFloats(w), c, d, { hint: `${hint}.${name}` });
  const q = project(layer.query.variable, 'q_conv');
  const k = layer.key === layer.query ? q : project(layer.key.variable, 'k_conv');
  const v = pointwiseNodes(g, x, layer.value, `${hint}.v_conv`);
  const energy = g.node('MatMul', [q, g.node('Transpose', [k], { perm: [0, 2, 1] })], {}, `${hint}.energy`);
  let attention: string, y: string;
  if (layer.options.kind === 'offset') {
    const softmax = g.node('Softmax', [energy], { axis: -1 }, `${hint}.softmax`);
    const columnSums = g.node('ReduceSum', [softmax, g.int64s([1])], { keepdims: 1 }, `${hint}.column_sums`);
    attention = g.node('Div', [softmax, g.node('Add', [columnSums, g.scalar(1e-9, 'pct.epsilon')])], {}, `${hint}.attention`);
    const mixed = g.node('MatMul', [g.node('Transpose', [attention], { perm: [0, 2, 1] }), v], {}, `${hint}.x_r`);
    y = g.node('Sub', [x, mixed], {}, `${hint}.offset`);
  } else {
    attention = g.node('Softmax', [g.node('Mul', [energy, g.scalar(1 / Math.sqrt(d))])], { axis: -1 }, `${hint}.attention`);
    y = g.node('MatMul', [attention, v], {}, `${hint}.x_r`);
  }
  const trans = pointwiseNodes(g, y, layer.trans, `${hint}.trans_conv`, { norm: batchNormAffine(layer.afterNorm), activation: 'relu' });
  return { output: g.node('Add', [x, trans], {}, `${hint}.out`), attention };
}
