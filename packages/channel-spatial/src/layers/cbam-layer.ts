import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { BATCH_NORM_EPSILON, BATCH_NORM_MOMENTUM, movingStatsAfter } from '../batch-norm.js';
import { type CbamResult, type CbamWeights, cbam } from '../cbam.js';
import { bottleneckWidth } from '../mlp.js';
import type { SpatialGateWeights } from '../spatial-gate-head.js';
import {
  type BottleneckVariables, type Kwargs, type LayerArgs, type Shape,
  addBottleneck, channelsOf, featureShape, neighbourShape, readBottleneck, splitInputs,
} from './common.js';

/** Configuration of {@link CBAM}. Defaults are attention-module's. */
export interface CbamArgs extends LayerArgs {
  /** Reduction ratio r of the channel MLP: hidden width max(minHidden, floor(C / r)). Default 16. */
  reduction?: number;
  /** Smallest hidden width. Default 1. */
  minHidden?: number;
  /** Biases in the channel MLP. Default true. */
  useBias?: boolean;
  /** Channel gate only. Default false. */
  noSpatial?: boolean;
  /** Images: odd size of the spatial conv. Default 7 (padding 3). */
  kernelSize?: number;
  /** Points: neighbours per point, k (the neighbour input is [B, N, k]). Default 16. */
  neighbours?: number;
  /** Batch norm on the spatial logit. Default true. */
  batchNorm?: boolean;
  /** Bias on the spatial logit. Default false. */
  spatialBias?: boolean;
  /** BN ε. Default 1e-5. */
  bnEpsilon?: number;
  /** BN momentum in PyTorch's convention (weight of the new batch). Default 0.01. */
  bnMomentum?: number;
}

interface SpatialVariables {
  kernel: tfl.LayerVariable;
  bias?: tfl.LayerVariable;
  bn?: { gamma: tfl.LayerVariable; beta: tfl.LayerVariable; movingMean: tfl.LayerVariable; movingVariance: tfl.LayerVariable };
}

/**
 * CBAM as a tfjs-layers Layer; see {@link cbam}. Images: input [B, H, W, C] (usable in
 * `tf.sequential`). Points: input `[features [B, N, C], neighbours [B, N, k] int32]`, or features
 * alone with `noSpatial`.
 *
 * Batch norm: inference (`training` absent/false) normalises with the moving statistics; training
 * (`model.fit`, or `callWithMaps(…, { training: true })`) normalises with the batch's and moves the
 * moving statistics as PyTorch does (`bnMomentum` = PyTorch's momentum).
 *
 * Weights in `getWeights`/`setWeights` order: `mlp_kernel_1` [C, h], `mlp_bias_1` [h]?,
 * `mlp_kernel_2` [h, C], `mlp_bias_2` [C]?, `spatial_kernel` ([k, k, 2, 1] images, [2k, 1] points),
 * `spatial_bias` [1]?, `bn_gamma` [1], `bn_beta` [1], then the non-trainable `bn_moving_mean` [1],
 * `bn_moving_variance` [1].
 *
 * @example
 * ```ts
 * const model = tf.sequential({ layers: [
 *   tf.layers.conv2d({ inputShape: [32, 32, 3], filters: 64, kernelSize: 3, padding: 'same' }),
 *   new CBAM({ reduction: 16 }),
 * ] });
 * const { channelWeights, spatialMap } = (model.layers[1] as CBAM).callWithMaps(features);
 *
 * // points: features [B, N, C] and kNN indices [B, N, 16]
 * const layer = new CBAM({ neighbours: 16 });
 * const refined = layer.apply([points, knn]) as tf.Tensor;
 * ```
 */
export class CBAM extends tfl.layers.Layer {
  static className = 'CBAM';
  readonly reduction: number;
  readonly minHidden: number;
  readonly useBias: boolean;
  readonly noSpatial: boolean;
  readonly kernelSize: number;
  readonly neighbours: number;
  readonly batchNorm: boolean;
  readonly spatialBias: boolean;
  readonly bnEpsilon: number;
  readonly bnMomentum: number;
  private mlp?: BottleneckVariables;
  private spatial?: SpatialVariables;

  constructor(args: CbamArgs = {}) {
    super(args);
    this.reduction = args.reduction ?? 16;
    this.minHidden = args.minHidden ?? 1;
    this.useBias = args.useBias ?? true;
    this.noSpatial = args.noSpatial ?? false;
    this.kernelSize = args.kernelSize ?? 7;
    this.neighbours = args.neighbours ?? 16;
    this.batchNorm = args.batchNorm ?? true;
    this.spatialBias = args.spatialBias ?? false;
    this.bnEpsilon = args.bnEpsilon ?? BATCH_NORM_EPSILON;
    this.bnMomentum = args.bnMomentum ?? BATCH_NORM_MOMENTUM;
    if (this.kernelSize % 2 !== 1) throw new Error(`CBAM: kernelSize must be odd, got ${this.kernelSize}`);
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = featureShape(inputShape);
    const channels = channelsOf(shape, 'CBAM');
    const add = (name: string, s: number[], init: ReturnType<typeof tfl.initializers.zeros>, trainable = true) =>
      this.addWeight(name, s, 'float32', init, undefined, trainable);
    this.mlp = addBottleneck(add, channels, bottleneckWidth(channels, this.reduction, this.minHidden), this.useBias);
    if (!this.noSpatial) {
      const k = neighbourShape(inputShape)?.[2];
      if (shape.length === 3 && k != null && k !== this.neighbours) {
        throw new Error(`CBAM: configured for ${this.neighbours} neighbours, got neighbour indices [${neighbourShape(inputShape)}]`);
      }
      const kernelShape = shape.length === 4 ? [this.kernelSize, this.kernelSize, 2, 1] : [2 * this.neighbours, 1];
      this.spatial = { kernel: add('spatial_kernel', kernelShape, tfl.initializers.glorotUniform({})) };
      if (this.spatialBias) this.spatial.bias = add('spatial_bias', [1], tfl.initializers.zeros());
      if (this.batchNorm) {
        this.spatial.bn = {
          gamma: add('bn_gamma', [1], tfl.initializers.ones()),
          beta: add('bn_beta', [1], tfl.initializers.zeros()),
          movingMean: add('bn_moving_mean', [1], tfl.initializers.zeros(), false),
          movingVariance: add('bn_moving_variance', [1], tfl.initializers.ones(), false),
        };
      }
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return featureShape(inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    this.invokeCallHook(inputs, kwargs);
    const { x, neighbours } = splitInputs(inputs);
    return tf.tidy(() => this.callWithMaps(x, neighbours, { training: kwargs?.['training'] === true }).output);
  }

  /**
   * The output and the attention maps for concrete inputs (builds the layer if needed). With
   * `training: true` BN uses batch statistics and the moving statistics are updated.
   *
   * @example
   * ```ts
   * const { output, channelWeights, spatialMap } = layer.callWithMaps(x);  // images: spatialMap [B, H, W]
   * const r = pointLayer.callWithMaps(points, knn);                         // points: r.spatialMap [B, N]
   * ```
   */
  callWithMaps(x: tf.Tensor, neighbours?: tf.Tensor, options: { training?: boolean } = {}): CbamResult {
    if (!this.built) this.build(neighbours ? [x.shape, neighbours.shape] : x.shape);
    const weights = this.currentWeights();
    const result = cbam(x, weights, {
      noSpatial: this.noSpatial, training: options.training ?? false, epsilon: this.bnEpsilon,
      ...(neighbours ? { neighbours } : {}),
    });
    const bn = this.spatial?.bn;
    if (result.batchStats && bn) {
      const next = movingStatsAfter(weights.spatial!.batchNorm!, result.batchStats, this.bnMomentum);
      bn.movingMean.write(next.movingMean);
      bn.movingVariance.write(next.movingVariance);
      tf.dispose([next.movingMean, next.movingVariance]);
    }
    return result;
  }

  private currentWeights(): CbamWeights {
    const weights: CbamWeights = { channel: readBottleneck(this.mlp!) };
    const s = this.spatial;
    if (s) {
      const spatial: SpatialGateWeights = { kernel: s.kernel.read() };
      if (s.bias) spatial.bias = s.bias.read() as tf.Tensor1D;
      if (s.bn) {
        spatial.batchNorm = {
          gamma: s.bn.gamma.read() as tf.Tensor1D, beta: s.bn.beta.read() as tf.Tensor1D,
          movingMean: s.bn.movingMean.read() as tf.Tensor1D, movingVariance: s.bn.movingVariance.read() as tf.Tensor1D,
        };
      }
      weights.spatial = spatial;
    }
    return weights;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      reduction: this.reduction, minHidden: this.minHidden, useBias: this.useBias, noSpatial: this.noSpatial,
      kernelSize: this.kernelSize, neighbours: this.neighbours, batchNorm: this.batchNorm, spatialBias: this.spatialBias,
      bnEpsilon: this.bnEpsilon, bnMomentum: this.bnMomentum,
    };
  }
}
tf.serialization.registerClass(CBAM);
