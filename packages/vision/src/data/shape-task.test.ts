import { describe, expect, it } from 'vitest';
import { generateShapeBatch } from './batch.js';
import { renderShapeSample } from './shape-task.js';
import { SHAPE_CLASSES, pixelInShape } from './shapes.js';

describe('renderShapeSample', () => {
  it('is a pure function of (seed, index)', () => {
    const a = renderShapeSample(11, 3), b = renderShapeSample(11, 3);
    expect(a.image).toEqual(b.image);
    expect(a.mask).toEqual(b.mask);
    expect(a.label).toBe(b.label);
  });

  it('gives different images for other seeds and indices', () => {
    const a = renderShapeSample(11, 3);
    expect(renderShapeSample(12, 3).image).not.toEqual(a.image);
    expect(renderShapeSample(11, 4).image).not.toEqual(a.image);
    // (seed, index) are hashed together: neighbouring pairs do not collide
    expect(renderShapeSample(12, 2).image).not.toEqual(a.image);
  });

  it('keeps pixels in [0, 1] with the noise on', () => {
    for (let i = 0; i < 20; i++) {
      const { image } = renderShapeSample(5, i);
      expect(Math.min(...image)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...image)).toBeLessThanOrEqual(1);
    }
  });

  it("marks in the mask exactly the pixels painted in the object's colour (noise off)", () => {
    for (let i = 0; i < 200; i++) {
      const { image, mask, colour } = renderShapeSample(21, i, { noise: 0 });
      const c = colour.map(Math.fround);
      let painted = 0;
      for (let p = 0; p < mask.length; p++) {
        const isColour = image[3 * p] === c[0] && image[3 * p + 1] === c[1] && image[3 * p + 2] === c[2];
        if (isColour !== (mask[p] === 1)) throw new Error(`image ${i}, pixel ${p}: colour ${isColour}, mask ${mask[p]}`);
        painted += mask[p]!;
      }
      expect(painted).toBeGreaterThan(20); // the object is never hidden or tiny
    }
  });

  it('draws the mask from the shape geometry, and noise changes neither mask nor label', () => {
    for (let i = 0; i < 50; i++) {
      const clean = renderShapeSample(8, i, { noise: 0 }), noisy = renderShapeSample(8, i);
      expect(noisy.mask).toEqual(clean.mask);
      expect(noisy.label).toBe(clean.label);
      expect(noisy.image).not.toEqual(clean.image);
      const size = 32;
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) expect(clean.mask[y * size + x]).toBe(pixelInShape(clean.placement, x, y) ? 1 : 0);
      }
      expect(clean.placement.kind).toBe(SHAPE_CLASSES[clean.label]);
    }
  });

  it('scales to 64×64', () => {
    const s = renderShapeSample(1, 0, { size: 64 });
    expect(s.image.length).toBe(64 * 64 * 3);
    expect(s.mask.reduce((a, b) => a + b, 0)).toBeGreaterThan(80);
  });
});

describe('generateShapeBatch', () => {
  it('concatenates samples start … start + count − 1', () => {
    const batch = generateShapeBatch({ seed: 3, count: 4, start: 10 });
    expect(batch.images.length).toBe(4 * 32 * 32 * 3);
    expect(batch.masks.length).toBe(4 * 32 * 32);
    const third = renderShapeSample(3, 12);
    expect(batch.images.subarray(2 * 3072, 3 * 3072)).toEqual(third.image);
    expect(batch.labels[2]).toBe(third.label);
  });

  it('draws every class about equally often', () => {
    const { labels } = generateShapeBatch({ seed: 9, count: 800 });
    const counts = SHAPE_CLASSES.map((_, k) => labels.filter((l) => l === k).length);
    for (const c of counts) expect(c).toBeGreaterThan(160);
  });
});
