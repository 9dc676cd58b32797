import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { ChannelAttentionResult } from '../channels.js';
import { bottleneckWidth } from '../mlp.js';
import { squeezeExcitation } from '../se.js';
import {
  type BottleneckVariables, type Kwargs, type LayerArgs, type Shape,
  addBottleneck, channelsOf, featureShape, readBottleneck, splitInputs,
} from './common.js';

/** Configuration of {@link SqueezeExcitation}. */
export interface SqueezeExcitationArgs extends LayerArgs {
  /** Reduction ratio r: hidden width max(minHidden, floor(C / r)). Default 16. */
  reduction?: number;
  /** Smallest hidden width. Default 1. */
  minHidden?: number;
  /** Biases in both FC layers. Default false (senet.pytorch has none). */
  useBias?: boolean;
}

/**
 * Squeeze-and-Excitation as a tfjs-layers Layer, for [B, H, W, C] or [B, N, C]; see
 * {@link squeezeExcitation}. Weights (`getWeights`/`setWeights` order): `mlp_kernel_1` [C, h],
 * `mlp_bias_1` [h]?, `mlp_kernel_2` [h, C], `mlp_bias_2` [C]? — PyTorch `fc[0].weight.T`,
 * `fc[2].weight.T`.
 *
 * @example
 * ```ts
 * const model = tf.sequential({ layers: [
 *   tf.layers.conv2d({ inputShape: [32, 32, 3], filters: 64, kernelSize: 3, padding: 'same' }),
 *   new SqueezeExcitation({ reduction: 16 }),
 * ] });
 * const se = model.layers[1] as SqueezeExcitation;
 * const { channelWeights } = se.callWithMaps(features); // [B, 64]
 * ```
 */
export class SqueezeExcitation extends tfl.layers.Layer {
  static className = 'SqueezeExcitation';
  readonly reduction: number;
  readonly minHidden: number;
  readonly useBias: boolean;
  private mlp?: BottleneckVariables;

  constructor(args: SqueezeExcitationArgs = {}) {
    super(args);
    this.reduction = args.reduction ?? 16;
    this.minHidden = args.minHidden ?? 1;
    this.useBias = args.useBias ?? false;
  }

  override build(inputShape: Shape | Shape[]): void {
    const channels = channelsOf(featureShape(inputShape), this.getClassName());
    const hidden = bottleneckWidth(channels, this.reduction, this.minHidden);
    this.mlp = addBottleneck((name, shape, init) => this.addWeight(name, shape, 'float32', init), channels, hidden, this.useBias);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return featureShape(inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    this.invokeCallHook(inputs, kwargs);
    return tf.tidy(() => this.callWithMaps(splitInputs(inputs).x).output);
  }

  /**
   * The output and the channel gate [B, C] for concrete features (builds the layer if needed).
   *
   * @example
   * ```ts
   * const { output, channelWeights } = new SqueezeExcitation().callWithMaps(tf.randomNormal([2, 8, 8, 64]));
   * ```
   */
  callWithMaps(x: tf.Tensor): ChannelAttentionResult {
    if (!this.built) this.build(x.shape);
    return squeezeExcitation(x, readBottleneck(this.mlp!));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), reduction: this.reduction, minHidden: this.minHidden, useBias: this.useBias };
  }
}
tf.serialization.registerClass(SqueezeExcitation);
