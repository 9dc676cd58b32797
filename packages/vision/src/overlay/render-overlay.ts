/**
 * Draws an image beside the same image under its attention heat map, with a caption bar: plain
 * JavaScript to RGBA bytes, the same in Node (write a PNG) and browsers (`new ImageData(data, w)`).
 */
import { GLYPH_HEIGHT, type RgbaImage, drawText } from './bitmap-font.js';
import { type Colormap, turbo } from './colormap.js';

/** What {@link renderAttentionOverlay} draws. */
export interface OverlayInput {
  /** [size, size, 3] RGB in [0, 1]. */
  image: Float32Array;
  size: number;
  /** [size, size] attention at image resolution; any non-negative scale (min–max normalised for display). */
  map: Float32Array;
  /** Text under the pictures, e.g. "PRED TRIANGLE 97%". */
  caption: string;
  /** Each image pixel becomes scale × scale output pixels. Default 8. */
  scale?: number;
  /** Opacity of the heat map over the image. Default 0.55. */
  alpha?: number;
  colormap?: Colormap;
}

const GAP = 8;

/**
 * Renders `[image | image + heat map]` over a caption bar into RGBA bytes.
 *
 * @example
 * ```ts
 * const overlay = renderAttentionOverlay({ image, size: 32, map, caption: 'PRED CROSS 99%' });
 * overlay.width; // 2 · 32 · 8 + 8 = 520
 * ```
 */
export function renderAttentionOverlay(input: OverlayInput): RgbaImage {
  const { image, size, map, caption, scale = 8, alpha = 0.55, colormap = turbo } = input;
  if (image.length !== size * size * 3 || map.length !== size * size) {
    throw new Error(`renderAttentionOverlay: expected image ${size}·${size}·3 and map ${size}·${size}, got ${image.length} and ${map.length}`);
  }
  const side = size * scale;
  const textScale = Math.max(1, Math.floor(scale / 3));
  const barHeight = GLYPH_HEIGHT * textScale + 4 * textScale;
  const out: RgbaImage = { width: 2 * side + GAP, height: side + barHeight, data: new Uint8ClampedArray((2 * side + GAP) * (side + barHeight) * 4) };
  out.data.fill(255);
  for (let i = 3; i < out.data.length; i += 4) out.data[i] = 255;
  let lo = Infinity, hi = -Infinity;
  for (const v of map) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  const range = hi - lo || 1;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const p = Math.floor(y / scale) * size + Math.floor(x / scale);
      const heat = colormap((map[p]! - lo) / range);
      for (let c = 0; c < 3; c++) {
        const v = 255 * image[p * 3 + c]!;
        out.data[(y * out.width + x) * 4 + c] = v;
        out.data[(y * out.width + side + GAP + x) * 4 + c] = (1 - alpha) * v + alpha * heat[c]!;
      }
    }
  }
  drawText(out, caption, 2 * textScale, side + 2 * textScale, [0, 0, 0], textScale);
  return out;
}
