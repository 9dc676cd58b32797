/** The one interface the training loop, evaluation, overlays and the CLI see for every model. */
import type * as tf from '@tensorflow/tfjs-core';
import type { ParameterMap } from './parameters.js';

/** Which architecture: the CBAM CNN or the tiny ViT. */
export type VisionModelKind = 'cbam' | 'vit';

/** Options of {@link VisionModel.forward}. */
export interface ForwardOptions {
  /** Training mode (dropout on, where a model has any). Default false. */
  training?: boolean;
}

/** What a forward pass returns. */
export interface VisionForward {
  /** [B, numClasses] unnormalised class scores. */
  logits: tf.Tensor2D;
  /**
   * Spatial attention maps [B, h, w] by name, non-negative, on the model's own grid (feature map
   * cells for the CNN, patches for the ViT). The first of {@link VisionModel.mapNames} is the one
   * evaluation and overlays use unless told otherwise.
   */
  maps: Record<string, tf.Tensor3D>;
}

/**
 * A trained or trainable image classifier that exposes where it looks.
 *
 * @example
 * ```ts
 * const model = createCbamCnn({ seed: 1 });
 * const { logits, maps } = model.forward(images); // images [B, 32, 32, 3]
 * const map = maps[model.mapNames[0]];            // [B, 8, 8]
 * ```
 */
export interface VisionModel<Config = unknown> {
  readonly kind: VisionModelKind;
  /** Everything needed to rebuild the architecture (stored in weight files). */
  readonly config: Config;
  /** Input side in pixels: images are [B, imageSize, imageSize, 3] in [0, 1]. */
  readonly imageSize: number;
  readonly numClasses: number;
  /** Names of the maps {@link forward} returns; the first is the default. */
  readonly mapNames: readonly string[];
  /** Trainable variables by stable name. */
  readonly parameters: ParameterMap;
  forward(images: tf.Tensor4D, options?: ForwardOptions): VisionForward;
  /** Frees the parameters. */
  dispose(): void;
}
