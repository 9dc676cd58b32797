/**
 * A tiny Vision Transformer (Dosovitskiy et al., 2021): (an optional one-layer conv stem, then) a
 * linear patch embedding, a learned class token and learned positional embedding, pre-norm
 * Transformer encoder blocks from @heed/attention, a final layer norm and a linear head on the
 * class token.
 *
 * Maps: `classToken` — the last layer's attention from the class token to the patches, mean
 * over heads; `rollout` — attention rollout through every layer (see {@link attentionRollout}).
 */
import * as tf from '@tensorflow/tfjs-core';
import { type TransformerEncoderBlockWeights, layerNorm, transformerEncoderBlock } from '@heed/attention';
import { SHAPE_CLASSES } from '../data/shapes.js';
import { attentionRollout, classTokenMap } from './attention-rollout.js';
import { dense } from './dense.js';
import { type ParameterMap, ParameterFactory, param } from './parameters.js';
import { patchify } from './patchify.js';
import { standardizeImages } from './standardize-images.js';
import type { ForwardOptions, VisionForward, VisionModel } from './vision-model.js';

/** Architecture of {@link createTinyVit}. */
export interface TinyVitConfig {
  imageSize: number;
  numClasses: number;
  /** Patch side; imageSize must be a multiple. */
  patchSize: number;
  /**
   * Channels of an optional 3×3 conv + ReLU stem before the patches are cut (0 = none, the plain
   * linear patch embedding). A one-layer stem is the smallest "hybrid" ViT (Dosovitskiy et al.
   * §3.1; Xiao et al. 2021): the patch embedding then sees colour-independent edge features.
   * Each token still covers exactly its patch plus a one-pixel border.
   */
  stemChannels: number;
  /** Token width d. */
  dim: number;
  /** Encoder blocks. */
  depth: number;
  numHeads: number;
  /** Hidden width of each block's feed-forward network. */
  mlpDim: number;
  /** Dropout rate in training (attention weights, sublayer outputs, FFN). */
  dropout: number;
}

/**
 * The shipped ViT: a 16-channel conv stem, 4×4 patches of a 32×32 image (64 tokens + class
 * token), d = 32, 2 blocks of 4 heads.
 *
 * @example
 * ```ts
 * createTinyVit({ seed: 2, config: { ...DEFAULT_TINY_VIT, stemChannels: 0 } }); // plain linear patch embedding
 * ```
 */
export const DEFAULT_TINY_VIT: TinyVitConfig = {
  imageSize: 32,
  numClasses: SHAPE_CLASSES.length,
  patchSize: 4,
  stemChannels: 16,
  dim: 32,
  depth: 2,
  numHeads: 4,
  mlpDim: 64,
  dropout: 0,
};

/**
 * Names of the ViT's maps; the first is the default.
 *
 * @example
 * ```ts
 * await evaluateVision(vit, { seed: 5, count: 200, map: TINY_VIT_MAPS[1] }); // score the rollout
 * ```
 */
export const TINY_VIT_MAPS = ['classToken', 'rollout'] as const;

/**
 * Builds the tiny ViT with seeded initial weights (Glorot linears, N(0, 0.02) class token and
 * positions, unit layer norms).
 *
 * @example
 * ```ts
 * const vit = createTinyVit({ seed: 1 });
 * const { logits, maps } = vit.forward(tf.zeros([2, 32, 32, 3]));
 * logits.shape; // [2, 4]
 * maps.classToken.shape; // [2, 8, 8]
 * ```
 */
export function createTinyVit(options: { seed: number; config?: Partial<TinyVitConfig> }): VisionModel<TinyVitConfig> {
  const config = { ...DEFAULT_TINY_VIT, ...options.config };
  const { dim: d, mlpDim, patchSize } = config;
  const tokens = 1 + (config.imageSize / patchSize) ** 2;
  const pixelWidth = config.stemChannels > 0 ? config.stemChannels : 3;
  const patchWidth = patchSize * patchSize * pixelWidth;
  const p = new ParameterFactory(options.seed);
  if (config.stemChannels > 0) {
    p.add('stem/kernel', [3, 3, 3, config.stemChannels], { kind: 'he', fanIn: 27 });
    p.add('stem/bias', [config.stemChannels], { kind: 'zeros' });
  }
  const addDense = (name: string, i: number, o: number) => {
    p.add(`${name}/kernel`, [i, o], { kind: 'glorot', fanIn: i, fanOut: o });
    p.add(`${name}/bias`, [o], { kind: 'zeros' });
  };
  const norm = (name: string) => {
    p.add(`${name}/gamma`, [d], { kind: 'ones' });
    p.add(`${name}/beta`, [d], { kind: 'zeros' });
  };
  addDense('patch', patchWidth, d);
  p.add('classToken', [1, 1, d], { kind: 'normal', std: 0.02 });
  p.add('positions', [tokens, d], { kind: 'normal', std: 0.02 });
  for (let l = 1; l <= config.depth; l++) {
    for (const proj of ['q', 'k', 'v', 'o']) addDense(`block${l}/attention/${proj}`, d, d);
    norm(`block${l}/norm1`);
    addDense(`block${l}/ffn/1`, d, mlpDim);
    addDense(`block${l}/ffn/2`, mlpDim, d);
    norm(`block${l}/norm2`);
  }
  norm('norm');
  addDense('head', d, config.numClasses);
  return tinyVitFromParameters(config, p.parameters);
}

/**
 * Wraps existing parameters (e.g. loaded from a weight file) as a tiny ViT of `config`.
 *
 * @example
 * ```ts
 * const twin = tinyVitFromParameters(vit.config, vit.parameters); // shares the variables
 * ```
 */
export function tinyVitFromParameters(config: TinyVitConfig, parameters: ParameterMap): VisionModel<TinyVitConfig> {
  return {
    kind: 'vit',
    config,
    imageSize: config.imageSize,
    numClasses: config.numClasses,
    mapNames: TINY_VIT_MAPS,
    parameters,
    forward: (images, options) => forward(config, parameters, images, options),
    dispose: () => Object.values(parameters).forEach((v) => v.dispose()),
  };
}

/**
 * Encoder block `l`'s weights (1-based) as the forward pass hands them to `transformerEncoderBlock`
 * (pre-norm, GELU) — for code that replays or exports the ViT.
 *
 * @example
 * ```ts
 * const block = tinyVitBlockWeights(model.parameters, 1); // { attention: { wq, bq, … }, norm1, ffn, norm2 }
 * ```
 */
export function tinyVitBlockWeights(w: ParameterMap, l: number): TransformerEncoderBlockWeights {
  const at = (name: string) => param(w, `block${l}/${name}`);
  return {
    attention: {
      wq: at('attention/q/kernel'), bq: at('attention/q/bias'), wk: at('attention/k/kernel'), bk: at('attention/k/bias'),
      wv: at('attention/v/kernel'), bv: at('attention/v/bias'), wo: at('attention/o/kernel'), bo: at('attention/o/bias'),
    },
    norm1: { gamma: at('norm1/gamma'), beta: at('norm1/beta') },
    ffn: { w1: at('ffn/1/kernel'), b1: at('ffn/1/bias'), w2: at('ffn/2/kernel'), b2: at('ffn/2/bias') },
    norm2: { gamma: at('norm2/gamma'), beta: at('norm2/beta') },
  };
}

function forward(config: TinyVitConfig, w: ParameterMap, images: tf.Tensor4D, options: ForwardOptions = {}): VisionForward {
  return tf.tidy(() => {
    const b = images.shape[0];
    const grid = config.imageSize / config.patchSize;
    let pixels: tf.Tensor4D = standardizeImages(images);
    if (config.stemChannels > 0) {
      pixels = tf.relu(tf.add(tf.conv2d(pixels, param(w, 'stem/kernel') as tf.Tensor4D, 1, 'same'), param(w, 'stem/bias'))) as tf.Tensor4D;
    }
    const patches = dense(patchify(pixels, config.patchSize), param(w, 'patch/kernel'), param(w, 'patch/bias'));
    const cls = tf.tile(param(w, 'classToken'), [b, 1, 1]);
    let x = tf.add(tf.concat([cls, patches], 1), param(w, 'positions'));
    const layerWeights: tf.Tensor[] = [];
    for (let l = 1; l <= config.depth; l++) {
      const block = transformerEncoderBlock(x, tinyVitBlockWeights(w, l), {
        numHeads: config.numHeads, normFirst: true, activation: 'gelu', returnWeights: true,
        dropout: options.training ? config.dropout : 0,
      });
      x = block.output;
      layerWeights.push(block.weights!);
    }
    const normed = layerNorm(x, { gamma: param(w, 'norm/gamma'), beta: param(w, 'norm/beta') });
    const clsOut = tf.reshape(tf.slice(normed, [0, 0, 0], [b, 1, config.dim]), [b, config.dim]);
    const logits = dense(clsOut, param(w, 'head/kernel'), param(w, 'head/bias')) as tf.Tensor2D;
    const lastLayer = tf.mean(layerWeights[layerWeights.length - 1]!, 1) as tf.Tensor3D;
    return {
      logits,
      maps: { classToken: classTokenMap(lastLayer, grid), rollout: classTokenMap(attentionRollout(layerWeights), grid) },
    };
  });
}
