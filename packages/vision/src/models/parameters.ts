/**
 * Named trainable parameters and their seeded initialisation. Initial values come from the
 * package's own PRNG (not tfjs's), so a seed gives the same model on every backend and machine.
 */
import * as tf from '@tensorflow/tfjs-core';
import { type Random, seededRandom } from '../data/random.js';

/** A model's trainable tensors by name (names are stable: they key the weight files). */
export type ParameterMap = Record<string, tf.Variable>;

/** How to fill a new parameter. */
export type Initializer =
  | { kind: 'zeros' }
  | { kind: 'ones' }
  | { kind: 'constant'; value: number }
  /** Normal(0, std). */
  | { kind: 'normal'; std: number }
  /** He/Kaiming normal for ReLU layers: std √(2 / fanIn). */
  | { kind: 'he'; fanIn: number }
  /** Glorot/Xavier uniform: ±√(6 / (fanIn + fanOut)). */
  | { kind: 'glorot'; fanIn: number; fanOut: number };

/**
 * Creates parameters one by one from a seeded stream; each {@link ParameterFactory.add} draws
 * from the same stream, so the order of calls is part of the model's definition.
 *
 * @example
 * ```ts
 * const p = new ParameterFactory(42);
 * const w = p.add('dense/kernel', [64, 4], { kind: 'glorot', fanIn: 64, fanOut: 4 });
 * const b = p.add('dense/bias', [4], { kind: 'zeros' });
 * p.parameters; // { 'dense/kernel': w, 'dense/bias': b }
 * ```
 */
export class ParameterFactory {
  readonly parameters: ParameterMap = {};
  private readonly rng: Random;

  constructor(seed: number) {
    this.rng = seededRandom(seed);
  }

  /** Adds a trainable variable `name` of `shape`, filled by `init`. */
  add(name: string, shape: number[], init: Initializer): tf.Variable {
    if (name in this.parameters) throw new Error(`ParameterFactory: duplicate parameter "${name}"`);
    const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
    const draw = this.sampler(init);
    for (let i = 0; i < values.length; i++) values[i] = draw();
    // No tfjs name: tfjs variable names are global, and two models share parameter names.
    // tidy frees the initial tensor; the variable keeps the data (they share it).
    const variable = tf.tidy(() => tf.variable(tf.tensor(values, shape, 'float32'), true));
    this.parameters[name] = variable;
    return variable;
  }

  private sampler(init: Initializer): () => number {
    const rng = this.rng;
    switch (init.kind) {
      case 'zeros': return () => 0;
      case 'ones': return () => 1;
      case 'constant': return () => init.value;
      case 'normal': return () => init.std * rng.normal();
      case 'he': return () => Math.sqrt(2 / init.fanIn) * rng.normal();
      case 'glorot': {
        const limit = Math.sqrt(6 / (init.fanIn + init.fanOut));
        return () => rng.uniform(-limit, limit);
      }
    }
  }
}

/**
 * Looks a parameter up, failing loudly on a missing name (a weight file that does not fit).
 *
 * @example
 * ```ts
 * const kernel = param(model.parameters, 'conv1/kernel');
 * ```
 */
export function param(parameters: ParameterMap, name: string): tf.Variable {
  const p = parameters[name];
  if (!p) throw new Error(`missing parameter "${name}"`);
  return p;
}
