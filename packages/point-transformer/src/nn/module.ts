import * as tf from '@tensorflow/tfjs-core';
import { type HostTensor, numel, toFloat32 } from './host-tensor.js';

/**
 * How a tfjs weight relates to its PyTorch tensor. Heed is channels-last and multiplies
 * `x [M, in] · W [in, out]`, so `Conv1d` weights [out, in, 1] and `Linear` weights [out, in] are
 * stored transposed; everything else keeps its shape.
 */
export type TorchLayout = 'as-is' | 'linear' | 'conv1d';

/**
 * One tfjs variable with the PyTorch shape and layout it is saved and loaded in.
 *
 * @example
 * ```ts
 * const w = new Param([64, 3, 1], 'conv1d', tf.zeros([3, 64])); // tfjs [in, out], PyTorch [out, in, 1]
 * w.toTorch().shape; // [64, 3, 1]
 * ```
 */
export class Param {
  readonly variable: tf.Variable;

  constructor(readonly torchShape: number[], readonly layout: TorchLayout, init: tf.Tensor, trainable = true) {
    this.variable = tf.variable(init, trainable);
    init.dispose();
  }

  /** The value in PyTorch layout (a synchronous read: not on webgpu in Node; see {@link toTorchFrom}). */
  toTorch(): HostTensor {
    return this.toTorchFrom(this.variable.dataSync());
  }

  /**
   * The value in PyTorch layout from the variable's values already read, in tfjs layout — for
   * readers that must read asynchronously (webgpu in Node has no synchronous read).
   */
  toTorchFrom(values: ArrayLike<number>): HostTensor {
    if (this.layout === 'as-is') return { dtype: 'float32', shape: [...this.torchShape], data: Float32Array.from(values) };
    const [rows, cols] = this.variable.shape as [number, number]; // tfjs [in, out] → PyTorch [out, in]
    const data = new Float32Array(rows * cols);
    for (let i = 0; i < rows; i++) for (let o = 0; o < cols; o++) data[o * rows + i] = values[i * cols + o]!;
    return { dtype: 'float32', shape: [...this.torchShape], data };
  }

  /** Loads a value given in PyTorch layout; `key` names it in errors. */
  fromTorch(t: HostTensor, key: string): void {
    const got = t.shape.join(','), want = this.torchShape.join(',');
    if (got !== want) throw new Error(`${key}: expected shape [${want}], got [${got}]`);
    if (t.dtype === 'int64' || t.dtype === 'int32') throw new Error(`${key}: expected a floating-point tensor, got ${t.dtype}`);
    const [rows, cols] = this.variable.shape as [number, number];
    const value = tf.tidy(() => {
      const flat = tf.tensor(toFloat32(t), [numel(t.shape)], 'float32');
      return this.layout === 'as-is' ? tf.reshape(flat, this.variable.shape) : tf.transpose(tf.reshape(flat, [cols, rows]));
    });
    this.variable.assign(value);
    value.dispose();
  }
}

/** A named entry of a module's state, as in PyTorch's `state_dict()`. */
export type StateEntry =
  | { name: string; kind: 'param' | 'buffer'; param: Param }
  | { name: string; kind: 'counter'; counter: { value: number } };

/**
 * Base of Heed's PCT modules: owns named {@link Param}s and child modules, lists them under
 * PyTorch state-dict names, and disposes them. A child added under the name '' contributes its
 * entries at the parent's level (e.g. the neighbour embedding's `gather_local_0` at the root).
 *
 * @example
 * ```ts
 * class Affine extends Module {
 *   readonly w = this.addParam('weight', new Param([4], 'as-is', tf.ones([4])));
 * }
 * new Affine().stateEntries('head').map((e) => e.name); // ['head.weight']
 * ```
 */
export abstract class Module {
  private readonly own: StateEntry[] = [];
  private readonly children: [string, Module][] = [];
  private readonly derived: { dispose(): void }[] = [];

  /**
   * Tensors the module derives from its state and keeps (e.g. an LBR's BatchNorm-folded weights):
   * freed with the module by {@link dispose}.
   */
  attachDerived(derived: { dispose(): void }): void {
    this.derived.push(derived);
  }

  protected addParam(name: string, param: Param, kind: 'param' | 'buffer' = 'param'): Param {
    this.own.push({ name, kind, param });
    return param;
  }

  protected addCounter(name: string, counter: { value: number }): void {
    this.own.push({ name, kind: 'counter', counter });
  }

  protected addChild<M extends Module>(name: string, child: M): M {
    this.children.push([name, child]);
    return child;
  }

  /** Every entry under its full name, parents before children, in construction order. */
  stateEntries(prefix = ''): StateEntry[] {
    const join = (name: string) => (prefix && name ? `${prefix}.${name}` : prefix || name);
    return [
      ...this.own.map((e) => ({ ...e, name: join(e.name) })),
      ...this.children.flatMap(([name, child]) => child.stateEntries(join(name))),
    ];
  }

  /** The distinct trainable variables (a tied weight appears once). */
  trainableVariables(): tf.Variable[] {
    const seen = new Set<tf.Variable>();
    for (const e of this.stateEntries()) {
      if (e.kind === 'param' && e.param.variable.trainable) seen.add(e.param.variable);
    }
    return [...seen];
  }

  /** Frees every variable, and what every module derived from them. */
  dispose(): void {
    const seen = new Set<tf.Variable>();
    for (const e of this.stateEntries()) if (e.kind !== 'counter') seen.add(e.param.variable);
    seen.forEach((v) => v.dispose());
    this.disposeDerived();
  }

  private disposeDerived(): void {
    this.derived.forEach((d) => d.dispose());
    this.children.forEach(([, child]) => child.disposeDerived());
  }
}

/** Options shared by modules that draw initial weights. */
export interface InitOptions {
  /** Seed for the initial weights (PyTorch's default uniform ±1/√fan_in); random when omitted. */
  seed?: number;
}

/** Hands out consecutive seeds (undefined when unseeded), one per initialised weight. */
export type SeedStream = () => number | undefined;

/**
 * A seed generator: each call returns the next seed, or undefined when unseeded.
 *
 * @example
 * ```ts
 * const seeds = seedStream(7);
 * [seeds(), seeds()]; // [7, 8]
 * ```
 */
export function seedStream(seed?: number): SeedStream {
  let next = seed;
  return () => (next === undefined ? undefined : next++);
}
