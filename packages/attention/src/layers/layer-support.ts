/**
 * Plumbing shared by Heed's Layers (not exported from the package). Weights come in named groups:
 * each Layer declares shapes per group (e.g. `attention`, `norm1`) and reads them back as the
 * plain tensor records the functional API takes, so a Layer is a thin holder of weights around
 * one functional implementation.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { type LayerVariable, type Shape, type SymbolicTensor, initializers, type layers } from '@tensorflow/tfjs-layers';

/** Constructor arguments of any tfjs-layers Layer (name, trainable, inputShape, …). */
export type LayerArgs = NonNullable<ConstructorParameters<typeof layers.Layer>[0]>;
/** Keyword arguments of `Layer.call`. */
export type Kwargs = Parameters<layers.Layer['call']>[1];

/**
 * One input shape or a list of them, as a list.
 *
 * @example
 * ```ts
 * const [query, value = query, key = value] = shapeList(inputShape);
 * ```
 */
export function shapeList(shape: Shape | Shape[]): Shape[] {
  return Array.isArray(shape[0]) ? (shape as Shape[]) : [shape as Shape];
}

/**
 * One input tensor or a list of them, as a list (symbolic inputs never reach `call`).
 *
 * @example
 * ```ts
 * const [targets, memory] = tensorList(inputs);
 * ```
 */
export function tensorList(inputs: tf.Tensor | tf.Tensor[] | SymbolicTensor | SymbolicTensor[]): tf.Tensor[] {
  return (Array.isArray(inputs) ? inputs : [inputs]) as tf.Tensor[];
}

/** How a weight starts: Glorot-uniform (kernels), zeros (biases, shifts) or ones (scales). */
export type WeightInit = 'kernel' | 'zeros' | 'ones';

/** Shapes and initialisers of one weight group, keyed as the functional weights record. */
export type WeightSpecs = Record<string, { shape: number[]; init: WeightInit }>;

/** A Layer's `addWeight`, bound (it is protected, so the Layer passes it in). */
export type AddWeight = (name: string, shape: number[], dtype: 'float32', init: ReturnType<typeof initializers.zeros>) => LayerVariable;

/**
 * Returns a function that creates the weights of one group as `group/key` (or `key` when the
 * group is ''). With a `seed`, kernel `n` (in creation order) is initialised with `seed + n`,
 * so a whole model is reproducible.
 *
 * @example
 * ```ts
 * // inside a Layer's build():
 * const add = weightGroups((n, s, d, i) => this.addWeight(n, s, d, i), this.seed);
 * this.norm = add('norm1', { gamma: { shape: [d], init: 'ones' }, beta: { shape: [d], init: 'zeros' } });
 * ```
 */
export function weightGroups(addWeight: AddWeight, seed?: number) {
  let kernels = 0;
  const initializer = (init: WeightInit) => {
    if (init === 'zeros') return initializers.zeros();
    if (init === 'ones') return initializers.ones();
    return initializers.glorotUniform({ seed: seed === undefined ? undefined : seed + kernels++ });
  };
  return (group: string, specs: WeightSpecs): Record<string, LayerVariable> =>
    Object.fromEntries(Object.entries(specs).map(([key, { shape, init }]) =>
      [key, addWeight(group ? `${group}/${key}` : key, shape, 'float32', initializer(init))]));
}

/**
 * The current values of a weight group, as the record the functional API takes (e.g.
 * `MultiHeadAttentionWeights`). Reading inside a gradient tape lets tfjs-layers train them.
 *
 * @example
 * ```ts
 * const { output } = multiHeadAttention(q, k, v, readWeights<MultiHeadAttentionWeights>(this.attention), opts);
 * ```
 */
export function readWeights<T>(group: Record<string, LayerVariable>): T {
  return Object.fromEntries(Object.entries(group).map(([key, v]) => [key, v.read() as tf.Tensor])) as T;
}
