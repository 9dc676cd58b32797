/**
 * Painting on an RGB float image stored row-major as `[H, W, 3]` in a Float32Array: fill the
 * pixels whose centres pass a test, inside a bounding box. Everything the shape task draws
 * (background, blobs, lines, the object) goes through {@link fillWhere}, so coverage is exact:
 * a pixel is either painted with the colour or untouched (no anti-aliasing).
 */
import type { RGB } from './colour.js';

/** A square RGB image being painted: `data[(y·size + x)·3 + c]`. */
export interface Canvas {
  size: number;
  data: Float32Array;
}

/**
 * Paints `colour` on every pixel `(x, y)` of the box `[x0, x1) × [y0, y1)` (clipped to the canvas)
 * for which `inside(x, y)` is true; returns how many pixels were painted.
 *
 * @example
 * ```ts
 * const canvas = { size: 8, data: new Float32Array(8 * 8 * 3) };
 * fillWhere(canvas, [1, 0, 0], (x, y) => x === y, [0, 0, 8, 8]); // a red diagonal, returns 8
 * ```
 */
export function fillWhere(
  canvas: Canvas,
  colour: RGB,
  inside: (x: number, y: number) => boolean,
  box: readonly [number, number, number, number] = [0, 0, canvas.size, canvas.size],
): number {
  const { size, data } = canvas;
  const [x0, y0, x1, y1] = [clip(box[0], size), clip(box[1], size), clip(box[2], size), clip(box[3], size)];
  let painted = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      if (!inside(x, y)) continue;
      const i = (y * size + x) * 3;
      data[i] = colour[0];
      data[i + 1] = colour[1];
      data[i + 2] = colour[2];
      painted++;
    }
  }
  return painted;
}

/**
 * The pixel box `[x0, y0, x1, y1)` that covers a disc of `radius` around `(cx, cy)`.
 *
 * @example
 * ```ts
 * boxAround(10, 10, 2.5); // [7, 7, 13, 13]
 * ```
 */
export function boxAround(cx: number, cy: number, radius: number): [number, number, number, number] {
  return [Math.floor(cx - radius) - 1, Math.floor(cy - radius) - 1, Math.ceil(cx + radius) + 1, Math.ceil(cy + radius) + 1];
}

/**
 * A test for pixels whose centres lie within `halfWidth` of the segment (x0, y0)–(x1, y1).
 *
 * @example
 * ```ts
 * fillWhere(canvas, [0, 1, 0], nearSegment(0, 0, 7, 3, 0.6)); // a green 1–2 px line
 * ```
 */
export function nearSegment(x0: number, y0: number, x1: number, y1: number, halfWidth: number): (x: number, y: number) => boolean {
  const dx = x1 - x0, dy = y1 - y0;
  const lengthSq = dx * dx + dy * dy || 1;
  return (x, y) => {
    const px = x + 0.5 - x0, py = y + 0.5 - y0;
    const t = Math.max(0, Math.min(1, (px * dx + py * dy) / lengthSq));
    return Math.hypot(px - t * dx, py - t * dy) <= halfWidth;
  };
}

function clip(v: number, size: number): number {
  return Math.max(0, Math.min(size, v));
}
