import * as tf from '@tensorflow/tfjs-core';
import type { StateDict } from '../nn/host-tensor.js';

/** Which update rule {@link PCTOptimizer} applies. */
export type OptimizerKind = 'sgd' | 'adam';

/** Hyper-parameters of {@link PCTOptimizer} (the learning rate is given per step). */
export interface OptimizerOptions {
  kind: OptimizerKind;
  /** SGD momentum. Default 0.9 (the reference). */
  momentum?: number;
  /** L2 penalty added to the gradient, as PyTorch's `weight_decay`. Default 5e-4 (SGD) / 1e-4 (Adam), the reference's. */
  weightDecay?: number;
  /** Adam β₁, β₂, ε. Defaults 0.9, 0.999, 1e-8 (PyTorch's). */
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/**
 * SGD with momentum or Adam over a fixed, ordered list of variables, with PyTorch's update rules
 * (SGD: buf ← μ·buf + g, p ← p − lr·buf; Adam with bias correction; weight decay added to g).
 * Unlike tfjs' optimizers its slots are keyed by the variable's POSITION (`slot.<i>.m`), not by
 * tfjs' process-dependent variable names, so {@link PCTOptimizer.stateDict} restores exactly into
 * a fresh model of the same architecture — what resumable training needs.
 *
 * @example
 * ```ts
 * const opt = new PCTOptimizer(model.trainableVariables(), { kind: 'adam' });
 * const { value, grads } = tf.variableGrads(loss, model.trainableVariables());
 * opt.apply(grads, 1e-3);
 * ```
 */
export class PCTOptimizer {
  readonly options: Required<OptimizerOptions>;
  /** Updates applied so far. */
  step = 0;
  private readonly first: tf.Variable[];
  private readonly second: tf.Variable[];

  constructor(readonly variables: tf.Variable[], options: OptimizerOptions) {
    if (options.kind !== 'sgd' && options.kind !== 'adam') throw new Error(`PCTOptimizer: unknown kind '${String(options.kind)}' (expected 'sgd' or 'adam')`);
    this.options = {
      kind: options.kind,
      momentum: options.momentum ?? 0.9,
      weightDecay: options.weightDecay ?? (options.kind === 'sgd' ? 5e-4 : 1e-4),
      beta1: options.beta1 ?? 0.9,
      beta2: options.beta2 ?? 0.999,
      epsilon: options.epsilon ?? 1e-8,
    };
    // tidy frees each zerosLike initialiser (a variable shares it otherwise) and keeps the variables.
    const slots = () => variables.map((v) => tf.tidy(() => tf.variable(tf.zerosLike(v), false)));
    this.first = slots();
    this.second = options.kind === 'adam' ? slots() : [];
  }

  /**
   * One update with learning rate `lr`; `grads` maps variable names to gradients (as
   * `tf.variableGrads` returns them). The caller still owns (and disposes) `grads`.
   */
  apply(grads: tf.NamedTensorMap, lr: number): void {
    this.step++;
    const { kind, momentum, weightDecay, beta1, beta2, epsilon } = this.options;
    const c1 = 1 - beta1 ** this.step, c2 = 1 - beta2 ** this.step;
    tf.tidy(() => {
      this.variables.forEach((v, i) => {
        const raw = grads[v.name];
        if (!raw) throw new Error(`PCTOptimizer: no gradient for variable ${i} (${v.name})`);
        const g = weightDecay ? tf.add(raw, tf.mul(v, weightDecay)) : raw;
        if (kind === 'sgd') {
          const buf = tf.add(tf.mul(this.first[i]!, momentum), g);
          this.first[i]!.assign(buf);
          v.assign(tf.sub(v, tf.mul(buf, lr)));
        } else {
          const m = tf.add(tf.mul(this.first[i]!, beta1), tf.mul(g, 1 - beta1));
          const s = tf.add(tf.mul(this.second[i]!, beta2), tf.mul(tf.square(g), 1 - beta2));
          this.first[i]!.assign(m);
          this.second[i]!.assign(s);
          const denom = tf.add(tf.sqrt(tf.div(s, c2)), epsilon);
          v.assign(tf.sub(v, tf.mul(tf.div(tf.div(m, c1), denom), lr)));
        }
      });
    });
  }

  /**
   * The slots (`slot.<i>.m`, and `slot.<i>.v` for Adam) as host tensors, read asynchronously (webgpu
   * in Node has no synchronous read); `step` is the caller's to save.
   */
  async stateDict(): Promise<StateDict> {
    const slots = [...this.first.map((t, i) => [`slot.${i}.m`, t] as const), ...this.second.map((t, i) => [`slot.${i}.v`, t] as const)];
    const values = await Promise.all(slots.map(([, t]) => t.data()));
    return new Map(slots.map(([name, t], i) => [name, { dtype: 'float32', shape: [...t.shape], data: Float32Array.from(values[i] as Float32Array) }]));
  }

  /** Restores {@link stateDict}'s slots and the step count; shapes must match. */
  loadStateDict(sd: StateDict, step: number): void {
    const load = (name: string, t: tf.Variable) => {
      const h = sd.get(name);
      if (!h) throw new Error(`PCTOptimizer: optimizer state lacks '${name}' (a checkpoint of another optimizer or model?)`);
      if (h.shape.join(',') !== t.shape.join(',')) throw new Error(`PCTOptimizer: '${name}' has shape [${h.shape}], expected [${t.shape}]`);
      const value = tf.tensor(Float32Array.from(h.data as ArrayLike<number>), t.shape, 'float32');
      t.assign(value);
      value.dispose();
    };
    this.first.forEach((t, i) => load(`slot.${i}.m`, t));
    this.second.forEach((t, i) => load(`slot.${i}.v`, t));
    this.step = step;
  }

  /** Frees the slots (not the model's variables). */
  dispose(): void {
    [...this.first, ...this.second].forEach((t) => t.dispose());
  }
}
