/**
 * The procedurally generated vision task: which shape (circle, square, triangle, cross) is in
 * the picture, drawn at a random place, size, rotation and colour over a cluttered, noisy
 * background (a tinted gradient, small blobs, thin lines and small distractor shapes in other
 * colours, pixel noise).
 *
 * Every image is a pure function of `(seed, index)`: geometry and colours come from one
 * random stream, pixel noise from another, so switching the noise off leaves the scene as it was.
 */
import { type RGB, colourDistance, hsvToRgb } from './colour.js';
import { type Random, mixSeeds, seededRandom } from './random.js';
import { type Canvas, boxAround, fillWhere, nearSegment } from './raster.js';
import { SHAPE_CLASSES, type ShapePlacement, pixelInShape } from './shapes.js';

/** Knobs of the task; the defaults are what the shipped models were trained and evaluated on. */
export interface ShapeTaskOptions {
  /** Image side in pixels (square images). Default 32; lengths scale with size / 32. */
  size?: number;
  /** Standard deviation of the Gaussian pixel noise, added per channel, then clamped. Default 0.06. */
  noise?: number;
  /** Object radius range in pixels at size 32. Default [5, 8]. */
  radius?: readonly [number, number];
  /** Largest |rotation| of the object in radians. Default 0.35 (≈ 20°). */
  maxRotation?: number;
  /** Number of clutter blobs, inclusive range. Default [4, 8]. */
  blobs?: readonly [number, number];
  /** Number of clutter lines, inclusive range. Default [2, 5]. */
  lines?: readonly [number, number];
  /**
   * Number of distractors — small shapes of any class (radius 2–3 px at size 32, in clutter
   * colours) — inclusive range. Default [1, 3]. They make the class readable only at the object:
   * a model that pools evidence from everywhere sees the distractors' classes too.
   */
  distractors?: readonly [number, number];
}

/** One rendered image with its ground truth. */
export interface ShapeSample {
  /** [size, size, 3] row-major RGB in [0, 1]. */
  image: Float32Array;
  /** [size, size]: 1 where the object's colour was painted, else 0. */
  mask: Uint8Array;
  /** Index into {@link SHAPE_CLASSES}. */
  label: number;
  placement: ShapePlacement;
  colour: RGB;
}

/** The resolved options, every field present. */
export type ResolvedShapeTaskOptions = Required<ShapeTaskOptions>;

/**
 * The defaults of {@link ShapeTaskOptions}.
 *
 * @example
 * ```ts
 * renderShapeSample(1, 0, { ...DEFAULT_SHAPE_TASK, size: 64, noise: 0 }); // same task, bigger, clean
 * ```
 */
export const DEFAULT_SHAPE_TASK: ResolvedShapeTaskOptions = {
  size: 32,
  noise: 0.06,
  radius: [5, 8],
  maxRotation: 0.35,
  blobs: [4, 8],
  lines: [2, 5],
  distractors: [1, 3],
};

/** Geometry/colour stream and noise stream of an image. */
const GEOMETRY = 0, NOISE = 1;
/** Clutter hues keep at least this far (in turns) from the object's hue. */
const MIN_HUE_GAP = 1 / 6;

/**
 * Renders image `index` of the task with seed `seed`. Deterministic: the same arguments give the
 * same pixels, mask and label on every machine.
 *
 * @example
 * ```ts
 * const { image, mask, label } = renderShapeSample(42, 0);
 * SHAPE_CLASSES[label]; // e.g. 'triangle'; image is 32·32·3 floats, mask 32·32 bytes
 * ```
 */
export function renderShapeSample(seed: number, index: number, options: ShapeTaskOptions = {}): ShapeSample {
  const o = { ...DEFAULT_SHAPE_TASK, ...options };
  const rng = seededRandom(mixSeeds(seed, index, GEOMETRY));
  const size = o.size, scale = size / 32;
  const canvas: Canvas = { size, data: new Float32Array(size * size * 3) };

  const background = paintBackground(canvas, rng);
  const label = rng.int(0, SHAPE_CLASSES.length - 1);
  const objectHue = rng.next();
  const colour = objectColour(rng, objectHue, background);
  paintClutter(canvas, rng, objectHue, colour, o, scale);

  const radius = rng.uniform(o.radius[0], o.radius[1]) * scale;
  const margin = radius * 1.15 + 1;
  const placement: ShapePlacement = {
    kind: SHAPE_CLASSES[label]!,
    cx: rng.uniform(margin, size - margin),
    cy: rng.uniform(margin, size - margin),
    radius,
    rotation: rng.uniform(-o.maxRotation, o.maxRotation),
  };
  const mask = new Uint8Array(size * size);
  fillWhere(canvas, colour, (x, y) => {
    const inside = pixelInShape(placement, x, y);
    if (inside) mask[y * size + x] = 1;
    return inside;
  }, boxAround(placement.cx, placement.cy, radius * 1.2));

  if (o.noise > 0) addNoise(canvas.data, seededRandom(mixSeeds(seed, index, NOISE)), o.noise);
  return { image: canvas.data, mask, label, placement, colour };
}

/** A dim, weakly saturated tint with a linear brightness gradient; returns its mean colour. */
function paintBackground(canvas: Canvas, rng: Random): RGB {
  const base = hsvToRgb(rng.next(), rng.uniform(0, 0.35), rng.uniform(0.2, 0.5));
  const angle = rng.uniform(0, 2 * Math.PI), strength = rng.uniform(0, 0.6);
  const gx = Math.cos(angle) * strength / canvas.size, gy = Math.sin(angle) * strength / canvas.size;
  const half = canvas.size / 2;
  for (let y = 0; y < canvas.size; y++) {
    for (let x = 0; x < canvas.size; x++) {
      const f = 1 + (x + 0.5 - half) * gx + (y + 0.5 - half) * gy;
      const i = (y * canvas.size + x) * 3;
      for (let c = 0; c < 3; c++) canvas.data[i + c] = base[c]! * f;
    }
  }
  return base;
}

/** A saturated, bright colour of hue `hue` that stands out from the background. */
function objectColour(rng: Random, hue: number, background: RGB): RGB {
  for (;;) {
    const colour = hsvToRgb(hue, rng.uniform(0.55, 1), rng.uniform(0.65, 1));
    if (colourDistance(colour, background) >= 0.35) return colour;
  }
}

/** A colour whose hue is at least {@link MIN_HUE_GAP} from the object's and that differs from it. */
function clutterColour(rng: Random, objectHue: number, object: RGB): RGB {
  for (;;) {
    const hue = objectHue + rng.uniform(MIN_HUE_GAP, 1 - MIN_HUE_GAP);
    const colour = hsvToRgb(hue - Math.floor(hue), rng.uniform(0.3, 1), rng.uniform(0.35, 1));
    if (colourDistance(colour, object) >= 0.25) return colour;
  }
}

function paintClutter(canvas: Canvas, rng: Random, objectHue: number, object: RGB, o: ResolvedShapeTaskOptions, scale: number): void {
  const size = canvas.size;
  const blobs = rng.int(o.blobs[0], o.blobs[1]);
  for (let b = 0; b < blobs; b++) {
    const colour = clutterColour(rng, objectHue, object);
    const cx = rng.uniform(0, size), cy = rng.uniform(0, size);
    const rx = rng.uniform(0.8, 2.6) * scale, ry = rng.uniform(0.8, 2.6) * scale;
    fillWhere(canvas, colour, (x, y) => ((x + 0.5 - cx) / rx) ** 2 + ((y + 0.5 - cy) / ry) ** 2 <= 1,
      boxAround(cx, cy, Math.max(rx, ry)));
  }
  const distractors = rng.int(o.distractors[0], o.distractors[1]);
  for (let d = 0; d < distractors; d++) {
    const colour = clutterColour(rng, objectHue, object);
    const radius = rng.uniform(2, 3) * scale;
    const p: ShapePlacement = {
      kind: SHAPE_CLASSES[rng.int(0, SHAPE_CLASSES.length - 1)]!,
      cx: rng.uniform(radius, size - radius), cy: rng.uniform(radius, size - radius),
      radius, rotation: rng.uniform(-o.maxRotation, o.maxRotation),
    };
    fillWhere(canvas, colour, (x, y) => pixelInShape(p, x, y), boxAround(p.cx, p.cy, radius * 1.2));
  }
  const lines = rng.int(o.lines[0], o.lines[1]);
  for (let l = 0; l < lines; l++) {
    const colour = clutterColour(rng, objectHue, object);
    const x0 = rng.uniform(0, size), y0 = rng.uniform(0, size);
    const angle = rng.uniform(0, 2 * Math.PI), length = rng.uniform(8, 24) * scale;
    const x1 = x0 + Math.cos(angle) * length, y1 = y0 + Math.sin(angle) * length;
    const halfWidth = rng.uniform(0.5, 0.8) * scale;
    fillWhere(canvas, colour, nearSegment(x0, y0, x1, y1, halfWidth),
      [Math.floor(Math.min(x0, x1)) - 2, Math.floor(Math.min(y0, y1)) - 2, Math.ceil(Math.max(x0, x1)) + 2, Math.ceil(Math.max(y0, y1)) + 2]);
  }
}

function addNoise(data: Float32Array, rng: Random, sigma: number): void {
  for (let i = 0; i < data.length; i++) data[i] = Math.max(0, Math.min(1, data[i]! + sigma * rng.normal()));
}
