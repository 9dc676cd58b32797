/** Colours of the shape task: HSV → RGB and the distance that keeps clutter unlike the object. */

/** An RGB colour, each channel in [0, 1]. */
export type RGB = readonly [number, number, number];

/**
 * HSV (hue in turns [0, 1), saturation and value in [0, 1]) to RGB.
 *
 * @example
 * ```ts
 * hsvToRgb(0, 1, 1); // [1, 0, 0] (red)
 * ```
 */
export function hsvToRgb(h: number, s: number, v: number): RGB {
  const f = (n: number) => {
    const k = (n + h * 6) % 6;
    return v - v * s * Math.max(0, Math.min(k, 4 - k, 1));
  };
  return [f(5), f(3), f(1)];
}

/**
 * Euclidean distance between two RGB colours (0 … √3).
 *
 * @example
 * ```ts
 * colourDistance([1, 0, 0], [0, 0, 0]); // 1
 * ```
 */
export function colourDistance(a: RGB, b: RGB): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}
