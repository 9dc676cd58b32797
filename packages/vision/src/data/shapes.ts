/**
 * The shape classes of the task and their point-in-shape tests, in the shape's own frame:
 * `(u, v)` relative to the centre, rotated into the shape's orientation, in units of its radius.
 */

/**
 * Class names, in label order (label i is `SHAPE_CLASSES[i]`).
 *
 * @example
 * ```ts
 * SHAPE_CLASSES[renderShapeSample(1, 0).label]; // e.g. 'cross'
 * ```
 */
export const SHAPE_CLASSES = ['circle', 'square', 'triangle', 'cross'] as const;

/** One of {@link SHAPE_CLASSES}. */
export type ShapeClass = (typeof SHAPE_CLASSES)[number];

/** Where a shape is drawn: centre and radius in pixels, rotation in radians. */
export interface ShapePlacement {
  kind: ShapeClass;
  cx: number;
  cy: number;
  radius: number;
  rotation: number;
}

const SQRT3 = Math.sqrt(3);

/**
 * True when the normalised point `(u, v)` (offset from the centre divided by the radius, already
 * rotated into the shape's frame; v grows downwards) lies inside a shape of class `kind`.
 * The shapes have similar areas (≈ 1.3–3.1 in radius² units) so size does not give the class away.
 *
 * @example
 * ```ts
 * insideUnitShape('cross', 0.9, 0); // true: on the horizontal bar
 * insideUnitShape('cross', 0.9, 0.9); // false: between the arms
 * ```
 */
export function insideUnitShape(kind: ShapeClass, u: number, v: number): boolean {
  switch (kind) {
    case 'circle':
      return u * u + v * v <= 1;
    case 'square':
      return Math.abs(u) <= 0.82 && Math.abs(v) <= 0.82;
    case 'triangle':
      // Equilateral, pointing up, circumradius 1.1: apex (0, −1.1), base at v = 0.55.
      return v <= 0.55 && SQRT3 * Math.abs(u) <= v + 1.1;
    case 'cross':
      return (Math.abs(u) <= 0.3 && Math.abs(v) <= 1) || (Math.abs(v) <= 0.3 && Math.abs(u) <= 1);
  }
}

/**
 * True when pixel centre `(x + 0.5, y + 0.5)` lies inside the placed shape.
 *
 * @example
 * ```ts
 * const p = { kind: 'square', cx: 16, cy: 16, radius: 6, rotation: 0 } as const;
 * pixelInShape(p, 16, 16); // true
 * ```
 */
export function pixelInShape(p: ShapePlacement, x: number, y: number): boolean {
  const dx = x + 0.5 - p.cx, dy = y + 0.5 - p.cy;
  const c = Math.cos(p.rotation), s = Math.sin(p.rotation);
  return insideUnitShape(p.kind, (c * dx + s * dy) / p.radius, (-s * dx + c * dy) / p.radius);
}
