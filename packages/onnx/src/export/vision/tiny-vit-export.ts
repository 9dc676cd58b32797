/**
 * The tiny Vision Transformer of @heed/vision (`createTinyVit`, the shipped `vit` weights) as one
 * ONNX model: per-image standardisation, the optional 3×3 conv + ReLU stem, the linear patch
 * embedding, class token and learned positions, pre-norm erf-GELU encoder blocks, the final layer
 * norm and the linear head on the class token. The pieces are the other exporters' builders:
 * `standardizeImageNodes` and `conv2dNodes` (CBAM CNN), `encoderBlockNodes` and `layerNormNodes`
 * (Transformer encoder), so the ViT graph computes what those verified graphs compute.
 */
import { type ParameterMap, type TinyVitConfig, type VisionModel, SHAPE_CLASSES, param, tinyVitBlockWeights } from '@heed/vision';
import { hostFloats, linear } from '../../graph/layers.js';
import { OnnxGraph } from '../../graph/onnx-graph.js';
import { encoderBlockNodes, layerNormNodes } from '../attention/encoder-nodes.js';
import { exactInput, exactOutput } from '../attention/graph-io.js';
import { type HostEncoderBlock, hostEncoderBlock } from '../attention/heed-sources.js';
import { standardizeImageNodes } from '../channel-spatial/cbam-cnn.js';
import { conv2dNodes } from '../channel-spatial/image-layers.js';

/**
 * Input name of an exported tiny ViT: `image` [B, S, S, 3], RGB in [0, 1], channels last — the
 * layout `VisionModel.forward` takes.
 *
 * @example
 * ```ts
 * await session.run({ [TINY_VIT_INPUT]: { data: batch.images, dims: [batch.count, 32, 32, 3] } });
 * ```
 */
export const TINY_VIT_INPUT = 'image';

/** Options of {@link exportTinyVit}. */
export interface TinyVitExportOptions {
  /**
   * Also output each encoder block's self-attention weights as `attention_1` … `attention_L`
   * [B, heads, tokens, tokens] (token 0 is the class token, then the patches row by row).
   * Default false.
   */
  attention?: boolean;
  /** Stored in the metadata (`heed.model`) and the doc string. Default 'tiny-vit'. */
  name?: string;
}

/** Graph values of a tiny ViT. */
export interface TinyVitNodes {
  /** [B, classes] */
  logits: string;
  /** Per block, first block first: its attention weights [B, heads, tokens, tokens]. */
  attention: string[];
}

/**
 * Adds the tiny ViT's nodes on `image` [B, S, S, 3] (B may be symbolic).
 *
 * @example
 * ```ts
 * const g = new OnnxGraph('vit');
 * const { logits, attention } = tinyVitNodes(g, g.input('image', 'float32', ['batch', 32, 32, 3]), model);
 * ```
 */
export function tinyVitNodes(g: OnnxGraph, image: string, model: VisionModel<TinyVitConfig>): TinyVitNodes {
  const { config, parameters: w } = model;
  const { imageSize: s, patchSize: p, dim: d, stemChannels } = config;
  const floats = (name: string) => hostFloats(param(w, name));
  let pixels = standardizeImageNodes(g, image, s * s * 3);
  if (stemChannels > 0) {
    pixels = conv2dNodes(g, pixels, floats('stem/kernel'), [3, 3, 3, stemChannels], { bias: floats('stem/bias'), activation: 'relu', hint: 'stem' });
  }
  const width = stemChannels > 0 ? stemChannels : 3;
  const grid = s / p;
  const patchWidth = p * p * width;
  const patches = linear(g, patchifyNodes(g, pixels, grid, p, width), floats('patch/kernel'), patchWidth, d, { bias: floats('patch/bias'), hint: 'patch' });

  // The class token [1, 1, d] broadcast to [B, 1, d]: B is only known at run time.
  const batch = g.node('Shape', [image], { start: 0, end: 1 }, 'batch_size');
  const clsShape = g.node('Concat', [batch, g.int64s([1, d])], { axis: 0 }, 'class_token.shape');
  const cls = g.node('Expand', [g.constant(floats('classToken'), [1, 1, d], 'class_token'), clsShape], {}, 'class_token.batch');
  const tokens = 1 + grid * grid;
  let x = g.node('Add', [
    g.node('Concat', [cls, patches], { axis: 1 }, 'tokens'), g.constant(floats('positions'), [tokens, d], 'positions'),
  ], {}, 'tokens.positioned');

  const attention: string[] = [];
  for (let l = 1; l <= config.depth; l++) {
    const block = encoderBlockNodes(g, x, tinyVitBlock(w, l, config.numHeads), undefined, `block${l}`);
    x = block.output;
    attention.push(block.weights);
  }
  const normed = layerNormNodes(g, x, { gamma: floats('norm/gamma'), beta: floats('norm/beta'), epsilon: 1e-5 }, 'norm');
  // Gather with a scalar index drops the token axis: [B, T, d] → [B, d].
  const clsOut = g.node('Gather', [normed, g.constant(new BigInt64Array([0n]), [], 'class_index')], { axis: 1 }, 'class_output');
  const logits = linear(g, clsOut, floats('head/kernel'), d, config.numClasses, { bias: floats('head/bias'), hint: 'head' });
  return { logits, attention };
}

/**
 * @heed/vision's `patchify` as nodes: [B, S, S, C] → [B, grid², p·p·C], patches in row-major
 * order, each flattened as (row, column, channel). Reshape's 0 keeps the run-time B.
 */
function patchifyNodes(g: OnnxGraph, x: string, grid: number, p: number, c: number): string {
  const rows = g.node('Reshape', [x, g.int64s([0, grid, p, grid, p * c])], {}, 'patchify.rows'); // [B, gy, py, gx, px·C]
  const grouped = g.node('Transpose', [rows], { perm: [0, 1, 3, 2, 4] }, 'patchify.grouped'); // [B, gy, gx, py, px·C]
  return g.node('Reshape', [grouped, g.int64s([0, grid * grid, p * p * c])], {}, 'patchify');
}

/**
 * Block `l`'s weights as the ViT's forward pass hands them to `transformerEncoderBlock` (pre-norm,
 * GELU, default ε), read through the encoder exporter's own host reader.
 */
function tinyVitBlock(w: ParameterMap, l: number, numHeads: number): HostEncoderBlock {
  return hostEncoderBlock({ weights: tinyVitBlockWeights(w, l), options: { numHeads, normFirst: true, activation: 'gelu' } });
}

/**
 * The tiny ViT as an ONNX model. Input `image` float32 [B, S, S, 3] (RGB in [0, 1], channels
 * last, S the model's imageSize, B symbolic). Outputs `logits` [B, classes] and, with
 * `attention`, `attention_1` … `attention_L` [B, heads, tokens, tokens], tokens = 1 + (S/patch)²
 * — the per-head weights the model's `classToken` map (last block, mean over heads, class-token
 * row) and `rollout` map are computed from. Metadata: `heed.model`, `heed.variant` ('vit', the
 * vision model kind), `heed.task`, `heed.classes` (count) and `heed.class_names` (JSON, for the
 * shape task), `heed.image_size`, `heed.patch_size`, `heed.num_blocks`, `heed.num_heads`,
 * `heed.model_dim`, `heed.stem_channels`, `heed.maps` (the model's map names, JSON).
 *
 * @example
 * ```ts
 * const vit = await loadShippedVisionModel('vit');
 * writeFileSync('vit.onnx', exportTinyVit(vit as VisionModel<TinyVitConfig>, { attention: true }));
 * // onnxruntime: logits [B, 4], attention_1 and attention_2 [B, 4, 65, 65]
 * ```
 */
export function exportTinyVit(model: VisionModel<TinyVitConfig>, options: TinyVitExportOptions = {}): Uint8Array {
  const where = 'exportTinyVit';
  if (!model || model.kind !== 'vit') throw new Error(`${where}: expected a tiny ViT (kind 'vit'), got kind '${String(model?.kind)}'`);
  const { config } = model;
  const s = config.imageSize, p = config.patchSize;
  if (!Number.isInteger(s / p)) throw new Error(`${where}: image size ${s} is not a multiple of patch size ${p}`);
  const tokens = 1 + (s / p) ** 2;
  const name = options.name ?? 'tiny-vit';

  const g = new OnnxGraph('heed_tiny_vit');
  const nodes = tinyVitNodes(g, exactInput(g, TINY_VIT_INPUT, 'float32', ['batch', s, s, 3]), model);
  exactOutput(g, nodes.logits, 'float32', ['batch', config.numClasses], 'logits');
  if (options.attention) {
    nodes.attention.forEach((a, i) => exactOutput(g, a, 'float32', ['batch', config.numHeads, tokens, tokens], `attention_${i + 1}`));
  }
  const metadata: Record<string, string> = {
    'heed.model': name, 'heed.variant': 'vit', 'heed.task': 'classification', 'heed.classes': String(config.numClasses),
    'heed.image_size': String(s), 'heed.patch_size': String(p), 'heed.num_blocks': String(config.depth),
    'heed.num_heads': String(config.numHeads), 'heed.model_dim': String(config.dim), 'heed.stem_channels': String(config.stemChannels),
    'heed.maps': JSON.stringify(model.mapNames),
  };
  if (config.numClasses === SHAPE_CLASSES.length) metadata['heed.class_names'] = JSON.stringify(SHAPE_CLASSES);
  return g.toModel({
    docString: `Heed ${name}: ${s}×${s} RGB image [B, ${s}, ${s}, 3] → ${config.numClasses} class logits`
      + (options.attention ? `, attention_1…${config.depth} [B, ${config.numHeads}, ${tokens}, ${tokens}] (token 0 = class token)` : ''),
    metadata,
  });
}
