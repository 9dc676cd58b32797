/**
 * Adam (Kingma & Ba, 2015) with decoupled weight decay (AdamW, Loshchilov & Hutter, 2019) over a
 * {@link ParameterMap}. The learning rate is an argument of every step, so any schedule drives it.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ParameterMap } from '../models/parameters.js';

/** Hyper-parameters of {@link Adam}. */
export interface AdamOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** Decoupled weight decay per unit learning rate (AdamW); applied to parameters of rank ≥ 2 only. Default 0. */
  weightDecay?: number;
}

/**
 * The optimiser state (first and second moments) of a set of parameters.
 *
 * @example
 * ```ts
 * const adam = new Adam(model.parameters, { weightDecay: 1e-4 });
 * const { grads } = tf.variableGrads(lossFn, Object.values(model.parameters));
 * adam.step(gradsByName, 1e-3); // then dispose the gradients
 * adam.dispose();
 * ```
 */
export class Adam {
  private readonly m: Record<string, tf.Variable> = {};
  private readonly v: Record<string, tf.Variable> = {};
  private t = 0;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;
  private readonly weightDecay: number;

  constructor(private readonly parameters: ParameterMap, options: AdamOptions = {}) {
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0;
    for (const [name, p] of Object.entries(parameters)) {
      this.m[name] = tf.tidy(() => tf.variable(tf.zerosLike(p), false));
      this.v[name] = tf.tidy(() => tf.variable(tf.zerosLike(p), false));
    }
  }

  /** Steps taken so far. */
  get iterations(): number {
    return this.t;
  }

  /** One update with gradients keyed by parameter name (missing names are left alone). */
  step(grads: Record<string, tf.Tensor>, learningRate: number): void {
    this.t++;
    const correction1 = 1 - this.beta1 ** this.t, correction2 = 1 - this.beta2 ** this.t;
    tf.tidy(() => {
      for (const [name, g] of Object.entries(grads)) {
        const p = this.parameters[name], m = this.m[name], v = this.v[name];
        if (!p || !m || !v) throw new Error(`Adam: gradient for unknown parameter "${name}"`);
        const m1 = tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1));
        const v1 = tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
        m.assign(m1);
        v.assign(v1);
        const update = tf.div(tf.div(m1, correction1), tf.add(tf.sqrt(tf.div(v1, correction2)), this.epsilon));
        const decayed = this.weightDecay > 0 && p.rank >= 2 ? tf.mul(p, 1 - learningRate * this.weightDecay) : p;
        p.assign(tf.sub(decayed, tf.mul(update, learningRate)));
      }
    });
  }

  /** Frees the moment tensors. */
  dispose(): void {
    for (const t of [...Object.values(this.m), ...Object.values(this.v)]) t.dispose();
  }
}
