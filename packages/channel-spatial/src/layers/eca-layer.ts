import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { ChannelAttentionResult } from '../channels.js';
import { eca, ecaKernelSize } from '../eca.js';
import { type Kwargs, type LayerArgs, type Shape, channelsOf, featureShape, splitInputs } from './common.js';

/** Configuration of {@link ECA}. */
export interface EcaArgs extends LayerArgs {
  /** Odd 1-D kernel size; default {@link ecaKernelSize}(C, gamma, b). */
  kernelSize?: number;
  /** γ of the adaptive size rule. Default 2. */
  gamma?: number;
  /** b of the adaptive size rule. Default 1. */
  b?: number;
}

/**
 * Efficient Channel Attention as a tfjs-layers Layer, for [B, H, W, C] or [B, N, C]; see
 * {@link eca}. One weight, `kernel` [k] (PyTorch `conv.weight.reshape(-1)`), initialised
 * U(−1/√k, 1/√k) as PyTorch's Conv1d.
 *
 * @example
 * ```ts
 * const model = tf.sequential({ layers: [
 *   tf.layers.conv2d({ inputShape: [32, 32, 3], filters: 64, kernelSize: 3, padding: 'same' }),
 *   new ECA(),                                   // k = 3 for C = 64
 * ] });
 * const { channelWeights } = (model.layers[1] as ECA).callWithMaps(features);
 * ```
 */
export class ECA extends tfl.layers.Layer {
  static className = 'ECA';
  readonly kernelSize?: number;
  readonly gamma: number;
  readonly b: number;
  private kernel?: tfl.LayerVariable;

  constructor(args: EcaArgs = {}) {
    super(args);
    if (args.kernelSize !== undefined) {
      if (!(args.kernelSize % 2 === 1 && args.kernelSize > 0)) throw new Error(`ECA: kernelSize must be odd, got ${args.kernelSize}`);
      this.kernelSize = args.kernelSize;
    }
    this.gamma = args.gamma ?? 2;
    this.b = args.b ?? 1;
  }

  override build(inputShape: Shape | Shape[]): void {
    const channels = channelsOf(featureShape(inputShape), this.getClassName());
    const k = this.kernelSize ?? ecaKernelSize(channels, this.gamma, this.b);
    const bound = 1 / Math.sqrt(k);
    this.kernel = this.addWeight('kernel', [k], 'float32', tfl.initializers.randomUniform({ minval: -bound, maxval: bound }));
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
   * const { channelWeights } = new ECA().callWithMaps(tf.randomNormal([2, 1024, 64])); // [2, 64]
   * ```
   */
  callWithMaps(x: tf.Tensor): ChannelAttentionResult {
    if (!this.built) this.build(x.shape);
    return eca(x, { kernel: this.kernel!.read() as tf.Tensor1D });
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = { ...super.getConfig(), gamma: this.gamma, b: this.b };
    if (this.kernelSize !== undefined) config['kernelSize'] = this.kernelSize;
    return config;
  }
}
tf.serialization.registerClass(ECA);
