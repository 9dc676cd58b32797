import { type ColormapName, colormapTable } from '@heed/point-transformer';

/** How values map to the colour ramp. */
export type ValueScale = 'linear' | 'log';

/** The display range and scale of a colouring (CloudCompare's "display range"). */
export interface DisplayRange {
  min: number;
  max: number;
  scale: ValueScale;
}

/** Entries of each baked lookup table: fine enough that neighbouring entries look alike. */
const LUT_SIZE = 1024;
const luts = new Map<ColormapName, Uint8Array>();

/**
 * The colormap's lookup table, baked once per colormap and reused by every recolouring.
 *
 * @example
 * ```ts
 * colormapLut('viridis').length; // 3072
 * ```
 */
export function colormapLut(name: ColormapName): Uint8Array {
  let lut = luts.get(name);
  if (!lut) {
    lut = colormapTable(name, LUT_SIZE);
    luts.set(name, lut);
  }
  return lut;
}

/** The smallest positive value a log scale shows, about float32's smallest normal (zero and below take the first colour). */
export const LOG_FLOOR = 1e-38;

/**
 * Where `value` falls in the range, 0–1 (clamped), on a linear or log scale — the legend and the
 * histogram use the same mapping.
 *
 * @example
 * ```ts
 * rangePosition(0.01, { min: 0.001, max: 0.1, scale: 'log' }); // 0.5
 * ```
 */
export function rangePosition(value: number, range: DisplayRange): number {
  let lo = range.min, hi = range.max, v = value;
  if (range.scale === 'log') {
    lo = Math.log(Math.max(lo, LOG_FLOOR));
    hi = Math.log(Math.max(hi, LOG_FLOOR));
    v = Math.log(Math.max(v, LOG_FLOOR));
  }
  // A collapsed range (e.g. a query whose weights all underflow to 0) shows the first colour.
  if (!(hi > lo)) return v > hi ? 1 : 0;
  const t = (v - lo) / (hi - lo);
  return t < 0 ? 0 : t > 1 ? 1 : Number.isNaN(t) ? 0 : t;
}

/**
 * The value at position `t` (0–1) of the range: the inverse of {@link rangePosition}, for legend ticks.
 *
 * @example
 * ```ts
 * valueAt(0.5, { min: 0.001, max: 0.1, scale: 'log' }); // 0.01
 * ```
 */
export function valueAt(t: number, range: DisplayRange): number {
  if (range.scale === 'log') {
    const lo = Math.log(Math.max(range.min, LOG_FLOOR)), hi = Math.log(Math.max(range.max, LOG_FLOOR));
    return Math.exp(lo + t * (hi - lo));
  }
  return range.min + t * (range.max - range.min);
}

/**
 * Colours every input point: point i takes `values[index[i]]` (its nearest model point's value),
 * mapped through the colormap's LUT within `range`. Writes RGB bytes into `out` ([3·index.length])
 * — the three.js colour attribute's own array, so a recolouring allocates nothing.
 *
 * @example
 * ```ts
 * colorByIndex(weights, nearest, { min: 0, max: 0.02, scale: 'linear' }, 'turbo', colorAttribute.array);
 * ```
 */
export function colorByIndex(values: ArrayLike<number>, index: ArrayLike<number>, range: DisplayRange, colormap: ColormapName, out: Uint8Array): void {
  const lut = colormapLut(colormap);
  const last = LUT_SIZE - 1;
  // The ramp position of each model point once (hundreds), then a table lookup per input point (up to millions).
  const entry = new Uint32Array(values.length);
  for (let j = 0; j < values.length; j++) entry[j] = 3 * Math.round(rangePosition(values[j]!, range) * last);
  for (let i = 0, n = index.length; i < n; i++) {
    const e = entry[index[i]!]!;
    out[3 * i] = lut[e]!;
    out[3 * i + 1] = lut[e + 1]!;
    out[3 * i + 2] = lut[e + 2]!;
  }
}

/**
 * A categorical palette (Tableau 10, then repeated darker) for part labels.
 *
 * @example
 * ```ts
 * categoryColor(0); // [31, 119, 180]
 * ```
 */
export function categoryColor(k: number): [number, number, number] {
  const base = PALETTE[k % PALETTE.length]!;
  const shade = Math.pow(0.7, Math.floor(k / PALETTE.length));
  return [Math.round(base[0] * shade), Math.round(base[1] * shade), Math.round(base[2] * shade)];
}

const PALETTE: readonly (readonly [number, number, number])[] = [
  [31, 119, 180], [255, 127, 14], [44, 160, 44], [214, 39, 40], [148, 103, 189],
  [140, 86, 75], [227, 119, 194], [127, 127, 127], [188, 189, 34], [23, 190, 207],
];

/**
 * Colours every input point by its nearest model point's category (part label).
 *
 * @example
 * ```ts
 * colorCategories(run.partLabels, run.nearestLayerPoint, colorAttribute.array);
 * ```
 */
export function colorCategories(labels: ArrayLike<number>, index: ArrayLike<number>, out: Uint8Array): void {
  const colours = Array.from(labels, (k) => categoryColor(k));
  for (let i = 0, n = index.length; i < n; i++) {
    const c = colours[index[i]!]!;
    out[3 * i] = c[0];
    out[3 * i + 1] = c[1];
    out[3 * i + 2] = c[2];
  }
}
