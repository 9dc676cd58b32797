/**
 * The whole CBAM CNN image classifier of @heed/vision (`createCbamCnn`, the shipped `cbam`
 * weights) as one ONNX model: per-image standardisation, stages of 3×3 conv → ReLU → [CBAM] →
 * [2×2 max-pool], global average (or gate-weighted) pooling, a linear head. Its CBAM blocks are
 * built by {@link cbamNodes}, the same builder the one-block exporter uses.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { CbamWeights } from '@heed/channel-spatial';
import { type CbamCnnConfig, type ParameterMap, type VisionModel, SHAPE_CLASSES, param } from '@heed/vision';
import { hostFloats, linear } from '../../graph/layers.js';
import { type Dim, OnnxGraph } from '../../graph/onnx-graph.js';
import { cbamNodes } from './cbam.js';
import { globalPool } from './feature-map.js';
import { conv2dNodes, maxPool2dNodes } from './image-layers.js';

/**
 * Input name of an exported CBAM CNN: `image` [B, S, S, 3], RGB in [0, 1].
 *
 * @example
 * ```ts
 * await session.run({ [CBAM_CNN_INPUT]: { data: batch.images, dims: [batch.count, 32, 32, 3] } });
 * ```
 */
export const CBAM_CNN_INPUT = 'image';

/** Options of {@link exportCbamCnn}. */
export interface CbamCnnExportOptions {
  /** The batch dimension. Default 'batch' (any B at run time). */
  batch?: Dim;
  /** Also output each CBAM block's channel gate as `attention_<map>_channel` [B, C]. Default false. */
  channelGates?: boolean;
  docString?: string;
}

/** Graph values of a CBAM CNN: logits, and per CBAM block (by map name) its spatial map and channel gate. */
export interface CbamCnnNodes {
  logits: string;
  maps: Record<string, { spatialMap: string; channelWeights: string; side: number; channels: number }>;
}

/**
 * Adds the CBAM CNN's nodes on `image` [B, S, S, 3].
 *
 * @example
 * ```ts
 * const g = new OnnxGraph('cnn');
 * const { logits, maps } = cbamCnnNodes(g, g.input('image', 'float32', ['batch', 32, 32, 3]), model);
 * ```
 */
export function cbamCnnNodes(g: OnnxGraph, image: string, model: VisionModel<CbamCnnConfig>): CbamCnnNodes {
  const { config, parameters: w } = model;
  const floats = (name: string) => hostFloats(param(w, name));
  let h = standardizeImageNodes(g, image, config.imageSize * config.imageSize * 3);
  let side = config.imageSize, inChannels = 3;
  const maps: CbamCnnNodes['maps'] = {};
  config.stages.forEach((stage, i) => {
    const name = `${i + 1}`, c = stage.channels;
    h = conv2dNodes(g, h, floats(`conv${name}/kernel`), [3, 3, inChannels, c], { bias: floats(`conv${name}/bias`), activation: 'relu', hint: `conv${name}` });
    if (stage.cbam) {
      const block = cbamNodes(g, h, stageCbamWeights(w, `cbam${name}`), { layout: 'image', hint: `cbam${name}` });
      h = block.output;
      maps[`cbam${name}`] = { spatialMap: block.spatialMap!, channelWeights: block.channelWeights, side, channels: c };
    }
    if (stage.pool) {
      h = maxPool2dNodes(g, h, 2, 2, `pool${name}`);
      side = Math.floor(side / 2);
    }
    inChannels = c;
  });
  let pooled = globalPool(g, h, 'image', 'avg', 'pooled');
  if (config.pooling === 'gate') {
    // Σ g·x / Σ g: the mean of the gated features over the mean of the last CBAM gate.
    const gate = maps[model.mapNames[0]!]!.spatialMap;
    const gateMean = g.node('Unsqueeze', [globalPool(g, gate, 'image', 'avg', 'gate_mean'), g.int64s([1])], {}, 'gate_mean.column');
    pooled = g.node('Div', [pooled, gateMean], {}, 'gate_pooled');
  }
  const logits = linear(g, pooled, floats('head/kernel'), inChannels, config.numClasses, { bias: floats('head/bias'), hint: 'head' });
  return { logits, maps };
}

/** A CBAM stage's weights under `prefix` (e.g. 'cbam3'), as the vision model's forward pass passes them to `cbam`. */
function stageCbamWeights(w: ParameterMap, prefix: string): CbamWeights {
  const p = (name: string) => param(w, `${prefix}/${name}`);
  return {
    channel: { w1: p('mlp/w1') as tf.Tensor2D, b1: p('mlp/b1') as tf.Tensor1D, w2: p('mlp/w2') as tf.Tensor2D, b2: p('mlp/b2') as tf.Tensor1D },
    spatial: { kernel: p('spatial/kernel'), bias: p('spatial/bias') as tf.Tensor1D },
  };
}

/**
 * @heed/vision's `standardizeImages` as nodes: (x − mean) / max(std, 1/√n) per image, with the
 * mean and biased variance over all n = H·W·3 values of each image.
 *
 * @example
 * ```ts
 * const standardized = standardizeImageNodes(g, image, 32 * 32 * 3);
 * ```
 */
export function standardizeImageNodes(g: OnnxGraph, image: string, valuesPerImage: number): string {
  const axes = { axes: [1, 2, 3], keepdims: 1 };
  const centred = g.node('Sub', [image, g.node('ReduceMean', [image], axes, 'image.mean')], {}, 'image.centred');
  const variance = g.node('ReduceMean', [g.node('Mul', [centred, centred])], axes, 'image.variance');
  const std = g.node('Max', [g.node('Sqrt', [variance]), g.scalar(1 / Math.sqrt(valuesPerImage), 'image.min_std')], {}, 'image.std');
  return g.node('Div', [centred, std], {}, 'image.standardized');
}

/**
 * The CBAM CNN as an ONNX model. Input `image` [B, S, S, 3] (RGB in [0, 1], S = the model's
 * imageSize, B symbolic unless `options.batch`). Outputs: `logits` [B, classes], then
 * `attention_<map>` [B, h, w] for each of the model's `mapNames` (the default map first: the
 * spatial gate of the last CBAM block), and with `channelGates` `attention_<map>_channel` [B, C].
 * Metadata (the keys every Heed export uses): `heed.model` = 'cbam', `heed.variant` = 'cbam',
 * `heed.task`, `heed.classes` (count), `heed.class_names` (JSON, for the shape task),
 * `heed.image_size`, `heed.maps` (map names, JSON).
 *
 * @example
 * ```ts
 * const model = await loadShippedVisionModel('cbam');
 * writeFileSync('cbam.onnx', exportCbamCnn(model as VisionModel<CbamCnnConfig>));
 * // onnxruntime: logits [B, 4], attention_cbam4 [B, 8, 8], attention_cbam3 [B, 8, 8]
 * ```
 */
export function exportCbamCnn(model: VisionModel<CbamCnnConfig>, options: CbamCnnExportOptions = {}): Uint8Array {
  if (model.kind !== 'cbam') throw new Error(`exportCbamCnn: expected a CBAM CNN (kind 'cbam'), got kind '${model.kind}'`);
  const { config } = model;
  const batch = options.batch ?? 'batch', s = config.imageSize;
  const g = new OnnxGraph('heed_cbam_cnn');
  const nodes = cbamCnnNodes(g, g.input(CBAM_CNN_INPUT, 'float32', [batch, s, s, 3]), model);
  g.output(nodes.logits, 'float32', [batch, config.numClasses], 'logits');
  for (const name of model.mapNames) {
    const { spatialMap, side } = nodes.maps[name]!;
    g.output(spatialMap, 'float32', [batch, side, side], `attention_${name}`);
  }
  if (options.channelGates) {
    for (const name of model.mapNames) {
      const { channelWeights, channels } = nodes.maps[name]!;
      g.output(channelWeights, 'float32', [batch, channels], `attention_${name}_channel`);
    }
  }
  const metadata: Record<string, string> = {
    'heed.model': 'cbam', 'heed.variant': 'cbam', 'heed.task': 'classification', 'heed.classes': String(config.numClasses),
    'heed.image_size': String(s), 'heed.maps': JSON.stringify(model.mapNames),
  };
  if (config.numClasses === SHAPE_CLASSES.length) metadata['heed.class_names'] = JSON.stringify(SHAPE_CLASSES);
  return g.toModel({
    docString: options.docString ?? `Heed CBAM CNN: ${s}×${s} RGB image → ${config.numClasses} class logits and CBAM spatial gates`,
    metadata,
  });
}
