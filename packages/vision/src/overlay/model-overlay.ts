/** Runs a model on one image of the task and renders its attention overlay. */
import * as tf from '@tensorflow/tfjs-core';
import { type ShapeTaskOptions, renderShapeSample } from '../data/shape-task.js';
import { SHAPE_CLASSES, type ShapeClass } from '../data/shapes.js';
import { resizeMaps } from '../eval/attention-inside-ratio.js';
import type { VisionModel } from '../models/vision-model.js';
import type { RgbaImage } from './bitmap-font.js';
import { renderAttentionOverlay } from './render-overlay.js';

/** Options of {@link renderModelOverlay}. */
export interface ModelOverlayOptions {
  seed: number;
  /** Image index within the seed. Default 0. */
  index?: number;
  /** Which map; default the model's first. */
  map?: string;
  /** Output pixels per image pixel. Default 8. */
  scale?: number;
  task?: ShapeTaskOptions;
}

/** The rendered overlay and what the model said. */
export interface ModelOverlay {
  overlay: RgbaImage;
  predicted: ShapeClass;
  /** Softmax probability of the predicted class. */
  confidence: number;
  truth: ShapeClass;
}

/**
 * Renders image `index` of seed `seed`, classifies it and draws the image beside its attention
 * overlay with the caption "PRED <class> <p>% TRUE <class>".
 *
 * @example
 * ```ts
 * const { overlay, predicted } = await renderModelOverlay(model, { seed: 7 });
 * // Node: write overlay.data as PNG; browser: ctx.putImageData(new ImageData(overlay.data, overlay.width), 0, 0)
 * ```
 */
export async function renderModelOverlay(model: VisionModel, options: ModelOverlayOptions): Promise<ModelOverlay> {
  const size = model.imageSize;
  const sample = renderShapeSample(options.seed, options.index ?? 0, { ...options.task, size });
  const mapName = options.map ?? model.mapNames[0]!;
  const [probs, map] = tf.tidy(() => {
    const out = model.forward(tf.tensor4d(sample.image, [1, size, size, 3]));
    const m = out.maps[mapName];
    if (!m) throw new Error(`renderModelOverlay: model has no map "${mapName}"`);
    return [tf.softmax(out.logits), resizeMaps(m, size)];
  });
  const [p, heat] = [await probs.data(), await map.data()];
  tf.dispose([probs, map]);
  let best = 0;
  p.forEach((v, i) => { if (v > p[best]!) best = i; });
  const predicted = SHAPE_CLASSES[best]!, truth = SHAPE_CLASSES[sample.label]!;
  const confidence = p[best]!;
  const caption = `PRED ${predicted} ${Math.round(confidence * 100)}% TRUE ${truth}`;
  const overlay = renderAttentionOverlay({ image: sample.image, size, map: Float32Array.from(heat), caption, scale: options.scale });
  return { overlay, predicted, confidence, truth };
}
