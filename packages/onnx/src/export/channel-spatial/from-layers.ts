/**
 * The functional weights of channel-spatial's tfjs-layers blocks (`SqueezeExcitation`, `ECA`,
 * `CBAM`), read by weight name, so that the exporters take a trained layer as readily as
 * explicit weights. The tensors returned are the layers' own variables (nothing is copied or
 * allocated); a layer must be built (applied once, or given weights) first.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { CBAM, CbamWeights, ECA, EcaWeights, MlpWeights, SpatialGateWeights, SqueezeExcitation } from '@heed/channel-spatial';

type BlockLayer = SqueezeExcitation | ECA | CBAM;

/**
 * The SE layer's MLP weights.
 *
 * @example
 * ```ts
 * const weights = squeezeExcitationWeightsOf(model.getLayer('se') as SqueezeExcitation);
 * ```
 */
export function squeezeExcitationWeightsOf(layer: SqueezeExcitation): MlpWeights {
  return mlpOf(layer);
}

/**
 * The ECA layer's 1-D kernel [k].
 *
 * @example
 * ```ts
 * const { kernel } = ecaWeightsOf(model.getLayer('eca') as ECA);
 * ```
 */
export function ecaWeightsOf(layer: ECA): EcaWeights {
  return { kernel: required(layer, 'kernel') as tf.Tensor1D };
}

/**
 * The CBAM layer's weights, with the configuration an export needs (`noSpatial`, BN ε).
 *
 * @example
 * ```ts
 * const { weights, noSpatial, epsilon } = cbamWeightsOf(model.getLayer('cbam') as CBAM);
 * ```
 */
export function cbamWeightsOf(layer: CBAM): { weights: CbamWeights; noSpatial: boolean; epsilon: number } {
  const weights: CbamWeights = { channel: mlpOf(layer) };
  if (!layer.noSpatial) {
    const spatial: SpatialGateWeights = { kernel: required(layer, 'spatial_kernel') };
    const bias = optional(layer, 'spatial_bias');
    if (bias) spatial.bias = bias as tf.Tensor1D;
    const movingMean = optional(layer, 'bn_moving_mean');
    if (movingMean) {
      spatial.batchNorm = {
        gamma: required(layer, 'bn_gamma') as tf.Tensor1D, beta: required(layer, 'bn_beta') as tf.Tensor1D,
        movingMean: movingMean as tf.Tensor1D, movingVariance: required(layer, 'bn_moving_variance') as tf.Tensor1D,
      };
    }
    weights.spatial = spatial;
  }
  return { weights, noSpatial: layer.noSpatial, epsilon: layer.bnEpsilon };
}

function mlpOf(layer: SqueezeExcitation | CBAM): MlpWeights {
  const b1 = optional(layer, 'mlp_bias_1'), b2 = optional(layer, 'mlp_bias_2');
  return {
    w1: required(layer, 'mlp_kernel_1') as tf.Tensor2D,
    w2: required(layer, 'mlp_kernel_2') as tf.Tensor2D,
    ...(b1 ? { b1: b1 as tf.Tensor1D } : {}),
    ...(b2 ? { b2: b2 as tf.Tensor1D } : {}),
  };
}

/** A layer weight by its name in `addWeight` (tfjs prefixes the layer's name scope when applied). */
function optional(layer: BlockLayer, key: string): tf.Tensor | undefined {
  if (!layer.built) throw new Error(`${layer.getClassName()} "${layer.name}" is not built: apply it once (or set its weights) before exporting`);
  const variable = layer.weights.find((w) => w.originalName === key || w.originalName.endsWith(`/${key}`));
  return variable?.read();
}

function required(layer: BlockLayer, key: string): tf.Tensor {
  const t = optional(layer, key);
  if (!t) throw new Error(`${layer.getClassName()} "${layer.name}" has no weight "${key}" (has ${layer.weights.map((w) => w.originalName).join(', ')})`);
  return t;
}
