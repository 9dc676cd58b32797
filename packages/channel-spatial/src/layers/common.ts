/**
 * What the tfjs-layers wrappers share: argument and shape types, splitting a call's inputs into
 * features and (for points) neighbour indices, and the bottleneck MLP's variables.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { MlpWeights } from '../mlp.js';

/** tfjs-layers' base Layer arguments (name, inputShape, trainable, …). */
export type LayerArgs = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>;
/** The keyword arguments tfjs-layers passes to `call` (`training` among them). */
export type Kwargs = Parameters<tfl.layers.Layer['call']>[1];
/** A tfjs-layers shape: numbers, `null` for unknown sizes. */
export type Shape = tfl.Shape;

/** Adds one weight to a layer (its protected `addWeight`, handed over by the layer itself). */
export type AddWeight = (name: string, shape: number[], initializer: ReturnType<typeof tfl.initializers.zeros>, trainable?: boolean) => tfl.LayerVariable;

/** A layer's inputs: the features, plus neighbour indices [B, N, k] for the point spatial gate. */
export function splitInputs(inputs: tf.Tensor | tf.Tensor[]): { x: tf.Tensor; neighbours?: tf.Tensor } {
  if (!Array.isArray(inputs)) return { x: inputs };
  if (inputs.length < 1 || inputs.length > 2) throw new Error(`expected [features] or [features, neighbours], got ${inputs.length} inputs`);
  return inputs[1] ? { x: inputs[0]!, neighbours: inputs[1] } : { x: inputs[0]! };
}

/** The features' shape out of a build/computeOutputShape argument (one shape or [features, neighbours]). */
export function featureShape(inputShape: Shape | Shape[]): Shape {
  return Array.isArray(inputShape[0]) ? (inputShape as Shape[])[0]! : (inputShape as Shape);
}

/** The neighbour indices' shape, when the layer was given [features, neighbours]. */
export function neighbourShape(inputShape: Shape | Shape[]): Shape | undefined {
  return Array.isArray(inputShape[0]) ? (inputShape as Shape[])[1] : undefined;
}

/** The (known) channel count of a [B, ..., C] shape. */
export function channelsOf(shape: Shape, layer: string): number {
  const c = shape[shape.length - 1];
  if (shape.length < 3 || c == null) throw new Error(`${layer}: expected [B, H, W, C] or [B, N, C] with C known, got [${shape}]`);
  return c;
}

/** The bottleneck MLP's variables, in `MlpWeights` order: w1, b1?, w2, b2?. */
export interface BottleneckVariables {
  w1: tfl.LayerVariable;
  b1?: tfl.LayerVariable;
  w2: tfl.LayerVariable;
  b2?: tfl.LayerVariable;
}

/**
 * Creates the C → hidden → C MLP's weights (Glorot-uniform kernels, zero biases, like tf.layers.dense).
 *
 * @example
 * ```ts
 * // inside a Layer's build():
 * this.mlp = addBottleneck((name, shape, init) => this.addWeight(name, shape, 'float32', init), 64, 4, true);
 * ```
 */
export function addBottleneck(add: AddWeight, channels: number, hidden: number, useBias: boolean): BottleneckVariables {
  const kernel = () => tfl.initializers.glorotUniform({});
  const w1 = add('mlp_kernel_1', [channels, hidden], kernel());
  const b1 = useBias ? add('mlp_bias_1', [hidden], tfl.initializers.zeros()) : undefined;
  const w2 = add('mlp_kernel_2', [hidden, channels], kernel());
  const b2 = useBias ? add('mlp_bias_2', [channels], tfl.initializers.zeros()) : undefined;
  return { w1, w2, ...(b1 ? { b1 } : {}), ...(b2 ? { b2 } : {}) };
}

/** The MLP's current values as functional weights. */
export function readBottleneck(v: BottleneckVariables): MlpWeights {
  return {
    w1: v.w1.read() as tf.Tensor2D,
    w2: v.w2.read() as tf.Tensor2D,
    ...(v.b1 ? { b1: v.b1.read() as tf.Tensor1D } : {}),
    ...(v.b2 ? { b2: v.b2.read() as tf.Tensor1D } : {}),
  };
}
