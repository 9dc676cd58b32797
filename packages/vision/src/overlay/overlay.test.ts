import { describe, expect, it } from 'vitest';
import { renderShapeSample } from '../data/shape-task.js';
import { GLYPH_HEIGHT, drawText, textWidth } from './bitmap-font.js';
import { colormapLut, turbo } from './colormap.js';
import { renderAttentionOverlay } from './render-overlay.js';

describe('turbo', () => {
  it('runs from dark through blue, green and yellow to dark red', () => {
    const [low, mid, high] = [turbo(0), turbo(0.5), turbo(1)];
    expect(low[0] + low[1] + low[2]).toBeLessThan(100); // dark
    expect(turbo(0.15)[2]).toBeGreaterThan(200); // blue
    expect(mid[1]).toBeGreaterThan(200); // green-yellow
    expect(high[0]).toBeGreaterThan(100);
    expect(high[2]).toBeLessThan(30); // dark red
    expect(turbo(-1)).toEqual(low);
    expect(turbo(2)).toEqual(high);
  });

  it('makes lookup tables', () => {
    const lut = colormapLut(turbo, 3);
    expect(Array.from(lut.subarray(3, 6))).toEqual(turbo(0.5));
  });
});

describe('bitmap font', () => {
  it('draws glyphs pixel by pixel', () => {
    const img = { width: 12, height: 7, data: new Uint8ClampedArray(12 * 7 * 4) };
    drawText(img, 'I', 0, 0, [255, 0, 0]);
    const lit = (x: number, y: number) => img.data[(y * 12 + x) * 4] === 255;
    expect([lit(1, 0), lit(2, 0), lit(3, 0), lit(0, 0)]).toEqual([true, true, true, false]); // top bar of I
    expect(lit(2, 3)).toBe(true);
    expect(textWidth('AB', 2)).toBe(22);
    expect(GLYPH_HEIGHT).toBe(7);
  });
});

describe('renderAttentionOverlay', () => {
  it('puts the image on the left and the heat overlay on the right', () => {
    const { image, mask } = renderShapeSample(3, 0);
    const map = Float32Array.from(mask); // attention exactly on the object
    const out = renderAttentionOverlay({ image, size: 32, map, caption: 'PRED CROSS 99%', scale: 2 });
    expect(out.width).toBe(2 * 64 + 8);
    expect(out.data.length).toBe(out.width * out.height * 4);
    const px = (x: number, y: number) => Array.from(out.data.subarray((y * out.width + x) * 4, (y * out.width + x) * 4 + 3));
    const p = mask.indexOf(1), q = mask.indexOf(0);
    const [ox, oy, bx, by] = [(p % 32) * 2, Math.floor(p / 32) * 2, (q % 32) * 2, Math.floor(q / 32) * 2];
    // left: the image itself
    expect(px(ox, oy)).toEqual([0, 1, 2].map((c) => Math.round(255 * image[p * 3 + c]!)));
    // right: (1 − α)·image + α·turbo(t), t = 1 on the object and 0 off it (min–max normalised)
    const heatAt = (x: number, y: number, pixel: number) =>
      px(x, y).map((v, c) => (v - 0.45 * 255 * image[pixel * 3 + c]!) / 0.55);
    heatAt(72 + ox, oy, p).forEach((v, c) => expect(Math.abs(v - turbo(1)[c]!)).toBeLessThan(2));
    heatAt(72 + bx, by, q).forEach((v, c) => expect(Math.abs(v - turbo(0)[c]!)).toBeLessThan(2));
  });
});
