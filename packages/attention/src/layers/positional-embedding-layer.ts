import * as tf from '@tensorflow/tfjs-core';
import { type LayerVariable, type Shape, initializers, layers } from '@tensorflow/tfjs-layers';
import { sinusoidalPositionalEncoding } from '../positional-encoding.js';
import type { LayerArgs } from './layer-support.js';

/** Configuration of {@link PositionalEmbedding}. */
export interface PositionalEmbeddingArgs extends LayerArgs {
  /** Longest sequence the table covers. */
  maxLen: number;
  /**
   * Fixed sinusoidal table (`sinusoidalPositionalEncoding`, stored as a non-trainable weight)
   * instead of a learned one. Default false.
   */
  sinusoidal?: boolean;
  /** Seeds the learned table's initialiser (uniform in ±0.05, as Keras's Embedding). */
  seed?: number;
}

/**
 * Adds a position table to a sequence: `x[b, t, :] + P[t, :]` for x [B, T, dim] with T ≤ maxLen.
 * `P` is a trainable [maxLen, dim] table (learned positional embeddings, as BERT/GPT) or, with
 * `sinusoidal: true`, the fixed sinusoidal encoding. Output shape = input shape.
 *
 * Registered for serialisation as `HeedPositionalEmbedding`.
 *
 * @example
 * ```ts
 * import * as tfl from '@tensorflow/tfjs-layers';
 * const model = tfl.sequential({ layers: [
 *   tfl.layers.embedding({ inputDim: 100, outputDim: 32, inputLength: 12 }),
 *   new PositionalEmbedding({ maxLen: 12 }),
 * ] });
 * model.predict(tf.zeros([2, 12])); // [2, 12, 32]
 * ```
 */
export class PositionalEmbedding extends layers.Layer {
  /** @nocollapse */
  static readonly className = 'HeedPositionalEmbedding';
  readonly maxLen: number;
  readonly sinusoidal: boolean;
  readonly seed?: number;
  private table?: LayerVariable;

  constructor(args: PositionalEmbeddingArgs) {
    super(args);
    this.maxLen = args.maxLen;
    this.sinusoidal = args.sinusoidal ?? false;
    this.seed = args.seed ?? undefined;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = inputShape as Shape;
    const dim = shape[shape.length - 1] as number;
    if (this.sinusoidal) {
      // A non-trainable weight (not a loose tensor): saved, loaded and disposed with the model.
      this.table = this.addWeight('embeddings', [this.maxLen, dim], 'float32', initializers.zeros(), undefined, false);
      const values = sinusoidalPositionalEncoding(this.maxLen, dim);
      this.table.write(values);
      values.dispose();
    } else {
      const initializer = initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: this.seed });
      this.table = this.addWeight('embeddings', [this.maxLen, dim], 'float32', initializer);
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      const [t, dim] = x.shape.slice(-2) as [number, number];
      if (t > this.maxLen) throw new Error(`PositionalEmbedding: sequence length ${t} exceeds maxLen ${this.maxLen}`);
      return tf.add(x, tf.slice(this.table!.read(), [0, 0], [t, dim]));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { maxLen: this.maxLen, sinusoidal: this.sinusoidal, seed: this.seed ?? null, ...super.getConfig() };
  }
}
tf.serialization.registerClass(PositionalEmbedding);
