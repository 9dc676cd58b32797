/**
 * A 5×7 pixel font (upper-case letters, digits, a few signs) for captions on overlays, so labels
 * render identically in Node and browsers without a canvas or font files.
 */

/** Each glyph: 7 rows of 5 bits, most significant bit = leftmost pixel. */
const GLYPHS: Record<string, readonly number[]> = {
  A: [14, 17, 17, 31, 17, 17, 17], B: [30, 17, 17, 30, 17, 17, 30], C: [14, 17, 16, 16, 16, 17, 14],
  D: [30, 17, 17, 17, 17, 17, 30], E: [31, 16, 16, 30, 16, 16, 31], F: [31, 16, 16, 30, 16, 16, 16],
  G: [14, 17, 16, 23, 17, 17, 15], H: [17, 17, 17, 31, 17, 17, 17], I: [14, 4, 4, 4, 4, 4, 14],
  J: [7, 2, 2, 2, 2, 18, 12], K: [17, 18, 20, 24, 20, 18, 17], L: [16, 16, 16, 16, 16, 16, 31],
  M: [17, 27, 21, 21, 17, 17, 17], N: [17, 17, 25, 21, 19, 17, 17], O: [14, 17, 17, 17, 17, 17, 14],
  P: [30, 17, 17, 30, 16, 16, 16], Q: [14, 17, 17, 17, 21, 18, 13], R: [30, 17, 17, 30, 20, 18, 17],
  S: [15, 16, 16, 14, 1, 1, 30], T: [31, 4, 4, 4, 4, 4, 4], U: [17, 17, 17, 17, 17, 17, 14],
  V: [17, 17, 17, 17, 17, 10, 4], W: [17, 17, 17, 21, 21, 21, 10], X: [17, 17, 10, 4, 10, 17, 17],
  Y: [17, 17, 10, 4, 4, 4, 4], Z: [31, 1, 2, 4, 8, 16, 31],
  0: [14, 17, 19, 21, 25, 17, 14], 1: [4, 12, 4, 4, 4, 4, 14], 2: [14, 17, 1, 2, 4, 8, 31],
  3: [31, 2, 4, 2, 1, 17, 14], 4: [2, 6, 10, 18, 31, 2, 2], 5: [31, 16, 30, 1, 1, 17, 14],
  6: [6, 8, 16, 30, 17, 17, 14], 7: [31, 1, 2, 4, 8, 8, 8], 8: [14, 17, 17, 14, 17, 17, 14],
  9: [14, 17, 17, 15, 1, 2, 12],
  ' ': [0, 0, 0, 0, 0, 0, 0], '.': [0, 0, 0, 0, 0, 12, 12], ':': [0, 12, 12, 0, 12, 12, 0],
  '%': [24, 25, 2, 4, 8, 19, 3], '-': [0, 0, 0, 31, 0, 0, 0], '/': [0, 1, 2, 4, 8, 16, 0],
  '=': [0, 0, 31, 0, 31, 0, 0], '(': [2, 4, 8, 8, 8, 4, 2], ')': [8, 4, 2, 2, 2, 4, 8],
  '?': [14, 17, 1, 2, 4, 0, 4],
};

/**
 * Glyph cell width: 5 pixels plus 1 of spacing.
 *
 * @example
 * ```ts
 * const charsPerLine = Math.floor(image.width / (GLYPH_WIDTH * scale));
 * ```
 */
export const GLYPH_WIDTH = 6;

/**
 * Glyph height in pixels.
 *
 * @example
 * ```ts
 * const captionBar = GLYPH_HEIGHT * scale + 4;
 * ```
 */
export const GLYPH_HEIGHT = 7;

/** An RGBA image: `data[(y·width + x)·4 + c]`. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/**
 * Draws `text` (upper-cased; unknown characters as '?') with its top-left corner at (x, y),
 * each font pixel a `scale`×`scale` block, clipped to the image.
 *
 * @example
 * ```ts
 * const img = { width: 100, height: 20, data: new Uint8ClampedArray(100 * 20 * 4) };
 * drawText(img, 'TRIANGLE 97%', 2, 2, [255, 255, 255], 2);
 * ```
 */
export function drawText(image: RgbaImage, text: string, x: number, y: number, colour: readonly [number, number, number], scale = 1): void {
  let penX = x;
  for (const ch of text.toUpperCase()) {
    const glyph = GLYPHS[ch] ?? GLYPHS['?']!;
    glyph.forEach((bits, row) => {
      for (let col = 0; col < 5; col++) {
        if (!(bits & (16 >> col))) continue;
        fillRect(image, penX + col * scale, y + row * scale, scale, scale, colour);
      }
    });
    penX += GLYPH_WIDTH * scale;
  }
}

/**
 * Width in pixels of `text` drawn at `scale` (without the trailing spacing column).
 *
 * @example
 * ```ts
 * textWidth('AB', 2); // 22
 * ```
 */
export function textWidth(text: string, scale = 1): number {
  return text.length === 0 ? 0 : (text.length * GLYPH_WIDTH - 1) * scale;
}

function fillRect(image: RgbaImage, x0: number, y0: number, w: number, h: number, colour: readonly [number, number, number]): void {
  for (let y = Math.max(0, y0); y < Math.min(image.height, y0 + h); y++) {
    for (let x = Math.max(0, x0); x < Math.min(image.width, x0 + w); x++) {
      const i = (y * image.width + x) * 4;
      image.data[i] = colour[0];
      image.data[i + 1] = colour[1];
      image.data[i + 2] = colour[2];
      image.data[i + 3] = 255;
    }
  }
}
