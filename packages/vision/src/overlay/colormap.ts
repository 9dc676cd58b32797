/** Colormaps for heat maps: value in [0, 1] → RGB bytes. */

/** An RGB colour as bytes 0–255. */
export type RGB8 = [number, number, number];

/** A colormap: t in [0, 1] (clamped) → RGB bytes. */
export type Colormap = (t: number) => RGB8;

const clamp01 = (x: number) => Math.max(0, Math.min(1, x));
const byte = (x: number) => Math.round(255 * clamp01(x));

/**
 * Google's Turbo colormap (dark blue → cyan → green → yellow → red → dark red), from the
 * degree-5 polynomial fit of Ruofei Du (max error ≈ 1/255 against the published table).
 *
 * @example
 * ```ts
 * turbo(0);   // [35, 23, 27], dark
 * turbo(0.5); // green-yellow
 * turbo(1);   // dark red
 * ```
 */
export const turbo: Colormap = (t) => {
  const x = clamp01(t);
  const r = 0.13572138 + x * (4.6153926 + x * (-42.66032258 + x * (132.13108234 + x * (-152.94239396 + x * 59.28637943))));
  const g = 0.09140261 + x * (2.19418839 + x * (4.84296658 + x * (-14.18503333 + x * (4.27729857 + x * 2.82956604))));
  const b = 0.1066733 + x * (12.64194608 + x * (-60.58204836 + x * (110.36276771 + x * (-89.90310912 + x * 27.34824973))));
  return [byte(r), byte(g), byte(b)];
};

/**
 * A lookup table of `n` colours of `map` (entry i is `map(i / (n − 1))`), flat RGB bytes, for
 * renderers that colour many values (e.g. a three.js colour attribute).
 *
 * @example
 * ```ts
 * const lut = colormapLut(turbo, 256); // Uint8Array(768)
 * ```
 */
export function colormapLut(map: Colormap, n = 256): Uint8Array {
  const lut = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) lut.set(map(n === 1 ? 0 : i / (n - 1)), i * 3);
  return lut;
}
