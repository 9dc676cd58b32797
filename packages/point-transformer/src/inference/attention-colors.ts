import type { AttentionQuery } from './attention-query.js';
import { type ColorizeOptions, colorizeValues } from './colorize.js';
import type { ColormapName } from './colormaps.js';
import { transferNearest } from './nearest-point.js';

/**
 * Per-point attention of a whole cloud and its colours.
 *
 * @example
 * ```ts
 * const { colors, values } = attentionColors(positions, query, 'turbo');
 * ```
 */
export interface AttentionColors {
  /** [n]: each point's attention value (that of its nearest layer point). */
  values: Float32Array;
  /** [n·3] sRGB bytes: `values` through the colormap, scaled from their min to their max. */
  colors: Uint8Array;
}

/**
 * Colours a cloud (flat xyz, original coordinates — normally the input cloud the query was made
 * on) by an attention query: each point takes the weight of its nearest layer point (in original
 * coordinates), and the weights are mapped to colours from the layer's smallest weight (first colour)
 * to its largest (last colour) unless `options` fixes the range.
 *
 * @example
 * ```ts
 * const { colors, values } = attentionColors(cloud.positions, await queryAttention(model, prepared, cloud.positions, 1, 0), 'viridis');
 * writePly({ ...cloud, colors, fields: { ...cloud.fields, attention: values } });
 * ```
 */
export function attentionColors(positions: ArrayLike<number>, query: AttentionQuery, colormap: ColormapName, options: ColorizeOptions = {}): AttentionColors {
  const values = transferNearest(positions, query.xyz, query.weights);
  let min = Infinity, max = -Infinity;
  for (const w of query.weights) {
    if (w < min) min = w;
    if (w > max) max = w;
  }
  return { values, colors: colorizeValues(values, colormap, { min, max, ...options }) };
}
