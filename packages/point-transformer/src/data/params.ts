import type { Random } from './random.js';

/**
 * Inclusive-exclusive bounds [lo, hi) of one shape parameter, drawn uniformly.
 *
 * @example
 * ```ts
 * const turns: ParamRange = [1.5, 3.5];
 * ```
 */
export type ParamRange = readonly [lo: number, hi: number];

/**
 * Named parameter ranges: the documented, tested variety of a shape class or part category.
 *
 * @example
 * ```ts
 * const ranges: ParamRanges<'height' | 'radius'> = { height: [0.5, 1], radius: [0.1, 0.2] };
 * ```
 */
export type ParamRanges<K extends string = string> = Readonly<Record<K, ParamRange>>;

/**
 * One uniform draw of every parameter in `ranges`, in the ranges' key order (so deterministic).
 *
 * @example
 * ```ts
 * drawParams({ height: [0.5, 1], radius: [0.1, 0.2] }, rng); // { height: 0.73…, radius: 0.14… }
 * ```
 */
export function drawParams<K extends string>(ranges: ParamRanges<K>, rng: Random): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const key of Object.keys(ranges) as K[]) {
    const [lo, hi] = ranges[key];
    out[key] = rng.uniform(lo, hi);
  }
  return out;
}

/**
 * The midpoint of every range: a typical instance, handy in tests and previews.
 *
 * @example
 * ```ts
 * midParams({ height: [0.5, 1] }); // { height: 0.75 }
 * ```
 */
export function midParams<K extends string>(ranges: ParamRanges<K>): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const key of Object.keys(ranges) as K[]) out[key] = (ranges[key][0] + ranges[key][1]) / 2;
  return out;
}
