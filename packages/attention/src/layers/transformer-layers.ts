import * as tf from '@tensorflow/tfjs-core';
import { type LayerVariable, type Shape, layers } from '@tensorflow/tfjs-layers';
import type { MaskOptions } from '../masked-softmax.js';
import { type TransformerDecoderBlockResult, type TransformerDecoderBlockWeights, transformerDecoderBlock } from '../transformer/decoder-block.js';
import {
  type TransformerBlockOptions, type TransformerEncoderBlockResult, type TransformerEncoderBlockWeights, transformerEncoderBlock,
} from '../transformer/encoder-block.js';
import type { FFNActivation } from '../transformer/position-wise-ffn.js';
import { type Kwargs, type LayerArgs, readWeights, shapeList, tensorList, weightGroups } from './layer-support.js';
import { attentionWeightSpecs } from './multi-head-attention-layer.js';

/** Configuration shared by {@link TransformerEncoderBlock} and {@link TransformerDecoderBlock}. */
export interface TransformerBlockLayerArgs extends LayerArgs {
  /** Attention heads. */
  numHeads: number;
  /** Hidden width of the position-wise FFN (PyTorch's `dim_feedforward`). */
  ffnDim: number;
  /** Per-head query/key/value width; default dModel / numHeads (then dModel must divide). */
  keyDim?: number;
  /** FFN activation; default 'relu'. */
  activation?: FFNActivation;
  /** Pre-norm when true; post-norm (default) when false. */
  normFirst?: boolean;
  /** Dropout rate while training (attention weights, sublayer outputs, FFN hidden); default 0. */
  dropout?: number;
  /** LayerNorm ε; default 1e-5. */
  epsilon?: number;
  /** Seeds the kernel initialisers for reproducible models (dropout stays random). */
  seed?: number;
}

/** Configuration of {@link TransformerEncoderBlock}. */
export interface TransformerEncoderBlockArgs extends TransformerBlockLayerArgs {
  /** Causal self-attention (a decoder-only / GPT-style block); default false. */
  causal?: boolean;
}

/** Per-call options of {@link TransformerEncoderBlock} (kwargs of eager calls). */
export interface TransformerEncoderBlockCallOptions extends MaskOptions {
  /** Overrides the layer's `causal`. */
  causal?: boolean;
  /** Training mode (dropout on); tfjs-layers sets it during `fit`. */
  training?: boolean;
}

/** Per-call options of {@link TransformerDecoderBlock} (kwargs of eager calls). */
export interface TransformerDecoderBlockCallOptions extends MaskOptions {
  /** Encoder (memory) key lengths, [B] or [B, T]. */
  memoryValidLens?: MaskOptions['validLens'];
  /** Extra keep-mask for cross-attention. */
  memoryMask?: tf.Tensor;
  /** Training mode (dropout on); tfjs-layers sets it during `fit`. */
  training?: boolean;
}

/**
 * What the two block layers share: configuration, weight groups named as the functional weights
 * (`attention/wq`, `norm1/gamma`, `ffn/w1`, …) and the options passed to the functional block.
 * The attention weights have the layout of the {@link MultiHeadAttention} layer's.
 */
abstract class TransformerBlockLayer extends layers.Layer {
  readonly numHeads: number;
  readonly ffnDim: number;
  readonly keyDim?: number;
  readonly activation: FFNActivation;
  readonly normFirst: boolean;
  readonly dropout: number;
  readonly epsilon: number;
  readonly seed?: number;
  protected groups: Record<string, Record<string, LayerVariable>> = {};

  constructor(args: TransformerBlockLayerArgs) {
    super(args);
    this.numHeads = args.numHeads;
    this.ffnDim = args.ffnDim;
    this.keyDim = args.keyDim ?? undefined; // configs from JSON carry null
    this.activation = args.activation ?? 'relu';
    this.normFirst = args.normFirst ?? false;
    this.dropout = args.dropout ?? 0;
    this.epsilon = args.epsilon ?? 1e-5;
    this.seed = args.seed ?? undefined;
  }

  /** Creates the weights: one attention group per entry of `attention` (name → key/value width). */
  protected createWeights(d: number, attention: Record<string, number>, norms: string[]): void {
    const keyDim = this.keyDim ?? d / this.numHeads;
    if (!Number.isInteger(keyDim)) throw new Error(`${this.getClassName()}: dModel ${d} is not a multiple of numHeads ${this.numHeads}; set keyDim`);
    const add = weightGroups((n, s, dt, i) => this.addWeight(n, s, dt, i), this.seed);
    for (const [name, dkv] of Object.entries(attention)) {
      this.groups[name] = add(name, attentionWeightSpecs({
        dQuery: d, dKey: dkv, dValue: dkv, numHeads: this.numHeads, keyDim, valueDim: keyDim, outputDim: d, useBias: true,
      }));
    }
    this.groups.ffn = add('ffn', {
      w1: { shape: [d, this.ffnDim], init: 'kernel' }, b1: { shape: [this.ffnDim], init: 'zeros' },
      w2: { shape: [this.ffnDim, d], init: 'kernel' }, b2: { shape: [d], init: 'zeros' },
    });
    for (const name of norms) this.groups[name] = add(name, { gamma: { shape: [d], init: 'ones' }, beta: { shape: [d], init: 'zeros' } });
    this.built = true;
  }

  /** Current weights as the functional block's record. */
  protected currentWeights<T>(): T {
    return Object.fromEntries(Object.entries(this.groups).map(([name, group]) => [name, readWeights(group)])) as T;
  }

  protected blockOptions(training: boolean | undefined, returnWeights: boolean): TransformerBlockOptions {
    const { numHeads, normFirst, activation, epsilon } = this;
    return { numHeads, normFirst, activation, epsilon, dropout: training ? this.dropout : 0, returnWeights };
  }

  /** Builds (under the layer's name scope) on first eager use outside `apply`. */
  protected ensureBuilt(inputs: tf.Tensor | tf.Tensor[]): void {
    if (!this.built) tf.dispose(this.apply(inputs) as tf.Tensor);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return shapeList(inputShape)[0]!;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      numHeads: this.numHeads, ffnDim: this.ffnDim, keyDim: this.keyDim ?? null, activation: this.activation,
      normFirst: this.normFirst, dropout: this.dropout, epsilon: this.epsilon, seed: this.seed ?? null, ...super.getConfig(),
    };
  }
}

/**
 * A Transformer encoder block as a tfjs-layers Layer: self-attention + position-wise FFN, each
 * with a residual connection and layer norm (post- or pre-norm), running
 * {@link transformerEncoderBlock}. Input and output [B, T, dModel]; usable in `tf.sequential` and
 * `tf.model`. Padding masks (`validLens`, `mask`) go in the kwargs of eager calls;
 * {@link TransformerEncoderBlock.callWithWeights} also returns the attention weights.
 *
 * Registered for serialisation as `HeedTransformerEncoderBlock`.
 *
 * @example
 * ```ts
 * import * as tfl from '@tensorflow/tfjs-layers';
 * const model = tfl.sequential({ layers: [
 *   tfl.layers.embedding({ inputDim: 100, outputDim: 32, inputLength: 10 }),
 *   new PositionalEmbedding({ maxLen: 10, sinusoidal: true }),
 *   new TransformerEncoderBlock({ numHeads: 4, ffnDim: 64, normFirst: true }),
 *   tfl.layers.dense({ units: 100, activation: 'softmax' }),
 * ] });
 * ```
 */
export class TransformerEncoderBlock extends TransformerBlockLayer {
  /** @nocollapse */
  static readonly className = 'HeedTransformerEncoderBlock';
  readonly causal: boolean;

  constructor(args: TransformerEncoderBlockArgs) {
    super(args);
    this.causal = args.causal ?? false;
  }

  override build(inputShape: Shape | Shape[]): void {
    const x = shapeList(inputShape)[0]!;
    const d = x[x.length - 1] as number;
    this.createWeights(d, { attention: d }, ['norm1', 'norm2']);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => this.run(tensorList(inputs)[0]!, kwargs as TransformerEncoderBlockCallOptions, false).output);
  }

  /** Eager forward pass that also returns the self-attention weights [B, H, T, T]. */
  callWithWeights(x: tf.Tensor, options: TransformerEncoderBlockCallOptions = {}): Required<TransformerEncoderBlockResult> {
    this.ensureBuilt(x);
    return this.run(x, options, true) as Required<TransformerEncoderBlockResult>;
  }

  private run(x: tf.Tensor, options: TransformerEncoderBlockCallOptions, returnWeights: boolean): TransformerEncoderBlockResult {
    return transformerEncoderBlock(x, this.currentWeights<TransformerEncoderBlockWeights>(), {
      ...this.blockOptions(options.training, returnWeights),
      validLens: options.validLens, mask: options.mask, causal: options.causal ?? this.causal,
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), causal: this.causal };
  }
}
tf.serialization.registerClass(TransformerEncoderBlock);

/**
 * A Transformer decoder block as a tfjs-layers Layer: causal self-attention, cross-attention over
 * the encoder output, position-wise FFN, each with a residual connection and layer norm, running
 * {@link transformerDecoderBlock}. Inputs `[targets [B, T, dModel], memory [B, S, dMem]]`, output
 * [B, T, dModel]; usable in `tf.model`. Encoder padding (`memoryValidLens`) goes in the kwargs of
 * eager calls; {@link TransformerDecoderBlock.callWithWeights} also returns the attention weights.
 *
 * Registered for serialisation as `HeedTransformerDecoderBlock`.
 *
 * @example
 * ```ts
 * import * as tfl from '@tensorflow/tfjs-layers';
 * const targets = tfl.input({ shape: [6, 32] });
 * const memory = tfl.input({ shape: [9, 32] });
 * const decoded = new TransformerDecoderBlock({ numHeads: 4, ffnDim: 64 }).apply([targets, memory]) as tfl.SymbolicTensor;
 * const model = tfl.model({ inputs: [targets, memory], outputs: decoded }); // → [null, 6, 32]
 * ```
 */
export class TransformerDecoderBlock extends TransformerBlockLayer {
  /** @nocollapse */
  static readonly className = 'HeedTransformerDecoderBlock';

  override build(inputShape: Shape | Shape[]): void {
    const [x, memory] = shapeList(inputShape);
    if (!memory) throw new Error('TransformerDecoderBlock: expects inputs [targets, memory]');
    const d = x![x!.length - 1] as number;
    this.createWeights(d, { selfAttention: d, crossAttention: memory[memory.length - 1] as number }, ['norm1', 'norm2', 'norm3']);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const [x, memory] = tensorList(inputs);
    return tf.tidy(() => this.run(x!, memory!, kwargs as TransformerDecoderBlockCallOptions, false).output);
  }

  /** Eager forward pass that also returns self- [B, H, T, T] and cross-attention [B, H, T, S] weights. */
  callWithWeights(x: tf.Tensor, memory: tf.Tensor, options: TransformerDecoderBlockCallOptions = {}): Required<TransformerDecoderBlockResult> {
    this.ensureBuilt([x, memory]);
    return this.run(x, memory, options, true) as Required<TransformerDecoderBlockResult>;
  }

  private run(x: tf.Tensor, memory: tf.Tensor, options: TransformerDecoderBlockCallOptions, returnWeights: boolean): TransformerDecoderBlockResult {
    return transformerDecoderBlock(x, memory, this.currentWeights<TransformerDecoderBlockWeights>(), {
      ...this.blockOptions(options.training, returnWeights),
      validLens: options.validLens, mask: options.mask,
      memoryValidLens: options.memoryValidLens, memoryMask: options.memoryMask,
    });
  }
}
tf.serialization.registerClass(TransformerDecoderBlock);
