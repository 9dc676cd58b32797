/**
 * A small CNN with CBAM blocks (Woo et al., 2018, from @heed/channel-spatial): stages of
 * 3×3 conv → ReLU → [CBAM] → [2×2 max-pool], then global average pooling and a linear head.
 * Each CBAM block's spatial gate [B, h, w] is returned as a map; the last one is the default.
 */
import * as tf from '@tensorflow/tfjs-core';
import { bottleneckWidth, cbam } from '@heed/channel-spatial';
import { SHAPE_CLASSES } from '../data/shapes.js';
import { dense } from './dense.js';
import { type ParameterMap, ParameterFactory, param } from './parameters.js';
import { standardizeImages } from './standardize-images.js';
import type { ForwardOptions, VisionForward, VisionModel } from './vision-model.js';

/** One stage: a 3×3 conv to `channels`, ReLU, optionally CBAM, optionally a 2×2 max-pool. */
export interface CbamCnnStage {
  channels: number;
  cbam: boolean;
  pool: boolean;
}

/** Architecture of {@link createCbamCnn}. */
export interface CbamCnnConfig {
  imageSize: number;
  numClasses: number;
  stages: CbamCnnStage[];
  /** Channel-gate MLP reduction C → C / reduction. */
  reduction: number;
  /** Side of the spatial gate's conv (odd). */
  spatialKernel: number;
  /**
   * How the last feature map becomes one vector: 'mean' (global average pooling) or 'gate' —
   * the mean divided by the mean of the last CBAM spatial gate, i.e. the gate-weighted average
   * Σ g·x / Σ g of the (channel-gated) features, so where the gate looks is what is classified.
   */
  pooling: 'mean' | 'gate';
  /**
   * Initial bias of the last CBAM block's spatial gate. Negative values start the gate in the
   * sigmoid's exponential regime (σ(z) ≈ eᶻ for z ≪ 0), where 'gate' pooling Σ g·x / Σ g is a
   * softmax over positions: positions compete for the pooled vector from the first step.
   */
  lastGateBias: number;
}

/**
 * The architecture of the shipped CBAM model: 32×32 → 16×16 → 8×8, CBAM on the 8×8 stages.
 *
 * @example
 * ```ts
 * createCbamCnn({ seed: 2, config: { ...DEFAULT_CBAM_CNN, pooling: 'mean' } }); // the ablation without gate pooling
 * ```
 */
export const DEFAULT_CBAM_CNN: CbamCnnConfig = {
  imageSize: 32,
  numClasses: SHAPE_CLASSES.length,
  stages: [
    { channels: 16, cbam: false, pool: true },
    { channels: 32, cbam: false, pool: true },
    { channels: 48, cbam: true, pool: false },
    { channels: 64, cbam: true, pool: false },
  ],
  reduction: 8,
  spatialKernel: 5,
  pooling: 'gate',
  lastGateBias: -4,
};

/** Map name of stage i's CBAM spatial gate. */
const mapName = (stage: number) => `cbam${stage + 1}`;

/**
 * Builds the CBAM CNN with seeded initial weights (He-normal convs, Glorot head, zero biases).
 * Its maps are the spatial gates of the CBAM stages, last stage first (`mapNames[0]`).
 *
 * @example
 * ```ts
 * const model = createCbamCnn({ seed: 1 });
 * const { logits, maps } = model.forward(tf.zeros([2, 32, 32, 3]));
 * logits.shape; // [2, 4]
 * maps.cbam4.shape; // [2, 8, 8]
 * ```
 */
export function createCbamCnn(options: { seed: number; config?: Partial<CbamCnnConfig> }): VisionModel<CbamCnnConfig> {
  const config = { ...DEFAULT_CBAM_CNN, ...options.config };
  const p = new ParameterFactory(options.seed);
  let inChannels = 3;
  const lastCbam = config.stages.map((s) => s.cbam).lastIndexOf(true);
  config.stages.forEach((stage, i) => {
    const c = stage.channels, k = config.spatialKernel;
    p.add(`conv${i + 1}/kernel`, [3, 3, inChannels, c], { kind: 'he', fanIn: 9 * inChannels });
    p.add(`conv${i + 1}/bias`, [c], { kind: 'zeros' });
    if (stage.cbam) {
      const hidden = bottleneckWidth(c, config.reduction);
      p.add(`cbam${i + 1}/mlp/w1`, [c, hidden], { kind: 'he', fanIn: c });
      p.add(`cbam${i + 1}/mlp/b1`, [hidden], { kind: 'zeros' });
      p.add(`cbam${i + 1}/mlp/w2`, [hidden, c], { kind: 'glorot', fanIn: hidden, fanOut: c });
      p.add(`cbam${i + 1}/mlp/b2`, [c], { kind: 'zeros' });
      p.add(`cbam${i + 1}/spatial/kernel`, [k, k, 2, 1], { kind: 'glorot', fanIn: 2 * k * k, fanOut: k * k });
      p.add(`cbam${i + 1}/spatial/bias`, [1], i === lastCbam ? { kind: 'constant', value: config.lastGateBias } : { kind: 'zeros' });
    }
    inChannels = c;
  });
  p.add('head/kernel', [inChannels, config.numClasses], { kind: 'glorot', fanIn: inChannels, fanOut: config.numClasses });
  p.add('head/bias', [config.numClasses], { kind: 'zeros' });
  return cbamCnnFromParameters(config, p.parameters);
}

/**
 * Wraps existing parameters (e.g. loaded from a weight file) as a CBAM CNN of `config`.
 *
 * @example
 * ```ts
 * const twin = cbamCnnFromParameters(model.config, model.parameters); // shares the variables
 * ```
 */
export function cbamCnnFromParameters(config: CbamCnnConfig, parameters: ParameterMap): VisionModel<CbamCnnConfig> {
  const mapNames = config.stages.map((s, i) => (s.cbam ? mapName(i) : '')).filter(Boolean).reverse();
  if (mapNames.length === 0) throw new Error('CBAM CNN: at least one stage needs a CBAM block');
  if (config.pooling === 'gate' && !config.stages[config.stages.length - 1]!.cbam) {
    throw new Error("CBAM CNN: pooling 'gate' needs a CBAM block in the last stage");
  }
  return {
    kind: 'cbam',
    config,
    imageSize: config.imageSize,
    numClasses: config.numClasses,
    mapNames,
    parameters,
    forward: (images, options) => forward(config, parameters, mapNames, images, options),
    dispose: () => Object.values(parameters).forEach((v) => v.dispose()),
  };
}

function forward(
  config: CbamCnnConfig, w: ParameterMap, mapNames: string[], images: tf.Tensor4D, _options: ForwardOptions = {},
): VisionForward {
  return tf.tidy(() => {
    const maps: Record<string, tf.Tensor3D> = {};
    let h: tf.Tensor4D = standardizeImages(images);
    config.stages.forEach((stage, i) => {
      const name = `${i + 1}`;
      h = tf.relu(tf.add(tf.conv2d(h, param(w, `conv${name}/kernel`) as tf.Tensor4D, 1, 'same'), param(w, `conv${name}/bias`))) as tf.Tensor4D;
      if (stage.cbam) {
        const block = cbam(h, {
          channel: {
            w1: param(w, `cbam${name}/mlp/w1`) as tf.Tensor2D, b1: param(w, `cbam${name}/mlp/b1`) as tf.Tensor1D,
            w2: param(w, `cbam${name}/mlp/w2`) as tf.Tensor2D, b2: param(w, `cbam${name}/mlp/b2`) as tf.Tensor1D,
          },
          spatial: { kernel: param(w, `cbam${name}/spatial/kernel`), bias: param(w, `cbam${name}/spatial/bias`) as tf.Tensor1D },
        });
        h = block.output as tf.Tensor4D;
        maps[mapName(i)] = block.spatialMap as tf.Tensor3D;
      }
      if (stage.pool) h = tf.maxPool(h, 2, 2, 'valid');
    });
    let pooled = tf.mean(h, [1, 2]);
    if (config.pooling === 'gate') pooled = tf.div(pooled, tf.reshape(tf.mean(maps[mapNames[0]!]!, [1, 2]), [-1, 1]));
    const logits = dense(pooled, param(w, 'head/kernel'), param(w, 'head/bias')) as tf.Tensor2D;
    return { logits, maps };
  });
}
