import { type ColormapName, colormapStops, writeColormapRGB } from './colormaps.js';

/**
 * Options of {@link colorizeValues}.
 *
 * @example
 * ```ts
 * colorizeValues(weights, 'magma', { min: 0, max: 1 }); // a fixed range, comparable across queries
 * ```
 */
export interface ColorizeOptions {
  /** The value drawn with the map's first colour. Default: the smallest finite value. */
  min?: number;
  /** The value drawn with the map's last colour. Default: the largest finite value. */
  max?: number;
}

/**
 * One sRGB colour per value (interleaved bytes, [values.length · 3]): each value is scaled from
 * [min, max] to [0, 1] (clamped) and looked up in the colormap. When every value is the same (or
 * min = max) all points take the map's middle colour; non-finite values take the first colour.
 *
 * @example
 * ```ts
 * const rgb = colorizeValues(new Float32Array([0, 0.5, 1]), 'viridis'); // Uint8Array(9): #440154 … #fde725
 * ```
 */
export function colorizeValues(values: ArrayLike<number>, colormap: ColormapName, options: ColorizeOptions = {}): Uint8Array {
  let lo = options.min, hi = options.max;
  if (lo === undefined || hi === undefined) {
    let a = Infinity, b = -Infinity;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (Number.isFinite(v)) {
        if (v < a) a = v;
        if (v > b) b = v;
      }
    }
    lo ??= a;
    hi ??= b;
  }
  const table = colormapStops(colormap);
  const out = new Uint8Array(3 * values.length);
  const span = hi - lo;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const t = !Number.isFinite(v) ? 0 : span > 0 ? (v - lo) / span : 0.5;
    writeColormapRGB(table, t, out, 3 * i);
  }
  return out;
}
