import { type FinishOptions, finishCloud } from './cloud.js';
import { labelledLayout } from './dataset.js';
import { type Vec3, rotationAboutAxis, rotationFromUp } from './mat3.js';
import { type ParamRanges, drawParams } from './params.js';
import type { Random } from './random.js';
import { sampleSurface } from './sample-surface.js';
import { type SurfacePatch, annulus, box, frustum, placed, quad, sphereZone, torus } from './surface.js';

/**
 * What a part category builds for one parameter draw: patches and the part each belongs to.
 *
 * @example
 * ```ts
 * const { patches, partOfPatch } = partCategory('mug').build(midParams(partCategory('mug').ranges));
 * ```
 */
export interface PartSurface {
  patches: SurfacePatch[];
  /** [patches.length] index into the category's `parts`. */
  partOfPatch: number[];
}

/**
 * An object category made of named parts, for part segmentation (like a ShapeNet-part category).
 * Built upright (+y up, front +x where it matters), in arbitrary units: clouds are normalised.
 *
 * @example
 * ```ts
 * const mug = PART_CATEGORIES.find((c) => c.name === 'mug')!;
 * mug.parts; // ['body', 'handle']
 * ```
 */
export interface PartCategory {
  readonly name: string;
  readonly parts: readonly string[];
  readonly ranges: ParamRanges;
  build(params: Readonly<Record<string, number>>): PartSurface;
}

function defineCategory<K extends string>(category: {
  name: string;
  parts: readonly string[];
  ranges: ParamRanges<K>;
  /** Returns the patches of each part, in the order of `parts`. */
  build(p: Readonly<Record<K, number>>): SurfacePatch[][];
}): PartCategory {
  return {
    name: category.name,
    parts: category.parts,
    ranges: category.ranges,
    build(params) {
      const byPart = category.build(params as Record<K, number>);
      return { patches: byPart.flat(), partOfPatch: byPart.flatMap((patches, part) => patches.map(() => part)) };
    },
  };
}

/** A thin flat plate: the planar quad abcd on both sides, `thickness` apart along `axis`. */
function plate(corners: readonly [Vec3, Vec3, Vec3, Vec3], thickness: number, axis: 0 | 1 | 2): SurfacePatch[] {
  return [-thickness / 2, thickness / 2].flatMap((shift) => {
    const [a, b, c, d] = corners.map((p) => p.map((v, k) => (k === axis ? v + shift : v)) as unknown as Vec3);
    return quad(a!, b!, c!, d!);
  });
}

/** A box rotated about its own local origin and then moved: a tilted chair back, say. */
function placedBox(min: Vec3, max: Vec3, rotation: Float64Array, offset: Vec3): SurfacePatch[] {
  return box(min, max).map((face) => placed(face, { rotation, offset }));
}

/** Four legs of square section `w` from the floor to `height`, inset `inset` from the corners of a W×D rectangle. */
function fourLegs(width: number, depth: number, height: number, w: number, inset: number): SurfacePatch[] {
  const xs = [-width / 2 + inset, width / 2 - inset - w], zs = [-depth / 2 + inset, depth / 2 - inset - w];
  return xs.flatMap((x) => zs.flatMap((z) => box([x, 0, z], [x + w, height, z + w], ['+y'])));
}

const TAIL_THICKNESS = 0.015;

/**
 * The part categories, in category order; part ids are global across categories (category by
 * category, part by part), as in ShapeNet-part. Ranges (arbitrary units):
 *
 * - airplane (fuselage, wings, tail): fuselage length [1.6, 2.2], radius [0.06, 0.1], hemispherical
 *   nose and conical tail; trapezoid wings of span [1.4, 2], root chord [0.25, 0.4], taper [0.3, 0.6],
 *   sweep [0, 0.35]; tailplane span [0.4, 0.7] and fin height [0.2, 0.35].
 * - chair (seat, back, legs): seat [0.4, 0.6]² at height [0.4, 0.5], thickness [0.03, 0.07]; back
 *   height [0.4, 0.7], thickness [0.03, 0.06], tilted back by [0, 0.25] rad; legs of width [0.03, 0.06].
 * - lamp (shade, pole, base): round base radius [0.25, 0.4], thickness [0.03, 0.08]; pole radius
 *   [0.02, 0.035], height [0.8, 1.4]; open conical shade, bottom radius [0.25, 0.45], top/bottom
 *   [0.4, 0.8], height [0.25, 0.45].
 * - mug (body, handle): radius [0.25, 0.4], height [0.7, 1.1], top/bottom radius [1, 1.15], wall
 *   [0.02, 0.04] with the inside surface; half-torus handle of radius [0.2, 0.3], tube [0.04, 0.08].
 * - table (top, legs): top [1.2, 2] × [0.6, 1.1], thickness [0.04, 0.1], height [0.6, 0.9]; four legs
 *   of width [0.05, 0.1], inset [0.02, 0.15].
 *
 * @example
 * ```ts
 * PART_CATEGORIES.map((c) => c.name); // ['airplane', 'chair', 'lamp', 'mug', 'table']
 * ```
 */
export const PART_CATEGORIES: readonly PartCategory[] = [
  defineCategory({
    name: 'airplane',
    parts: ['fuselage', 'wings', 'tail'],
    ranges: {
      length: [1.6, 2.2], radius: [0.06, 0.1], span: [1.4, 2], chord: [0.25, 0.4], taper: [0.3, 0.6],
      sweep: [0, 0.35], tailSpan: [0.4, 0.7], finHeight: [0.2, 0.35],
    },
    build: (p) => {
      const half = p.length / 2, r = p.radius, alongX = rotationFromUp([1, 0, 0]);
      const fuselage = [
        placed(frustum(r, r, -half, half), { rotation: alongX }),
        placed(sphereZone(r, 0, r), { rotation: alongX, offset: [half, 0, 0] }),
        placed(frustum(r, 0, 0, 0.3), { rotation: rotationFromUp([-1, 0, 0]), offset: [-half, 0, 0] }),
      ];
      const wing = (lead: number, chord: number, span: number, taper: number, sweep: number, side: 1 | -1) =>
        plate([[lead, 0, side * r], [lead - chord, 0, side * r], [lead - sweep - chord * taper, 0, side * span],
          [lead - sweep, 0, side * span]], TAIL_THICKNESS, 1);
      const wingLead = 0.1 * p.length + p.chord / 2;
      const wings = [1, -1].flatMap((side) => wing(wingLead, p.chord, p.span / 2, p.taper, p.sweep, side as 1 | -1));
      const tailChord = 0.5 * p.chord, tailLead = -half + tailChord;
      const tailplane = [1, -1].flatMap((side) => wing(tailLead, tailChord, p.tailSpan / 2, 0.6, 0.1, side as 1 | -1));
      const fin = plate([[tailLead, r * 0.5, 0], [-half - 0.2, r * 0.5, 0], [-half - 0.25, p.finHeight, 0],
        [tailLead - 0.15, p.finHeight, 0]], TAIL_THICKNESS, 2);
      return [fuselage, wings, [...tailplane, ...fin]];
    },
  }),
  defineCategory({
    name: 'chair',
    parts: ['seat', 'back', 'legs'],
    ranges: {
      width: [0.4, 0.6], depth: [0.4, 0.6], seatHeight: [0.4, 0.5], seatThickness: [0.03, 0.07],
      backHeight: [0.4, 0.7], backThickness: [0.03, 0.06], backTilt: [0, 0.25], legWidth: [0.03, 0.06],
    },
    build: (p) => {
      const { width: w, depth: d, seatHeight: h, seatThickness: t } = p;
      const seat = box([-w / 2, h - t, -d / 2], [w / 2, h, d / 2]);
      // built standing on the seat's rear edge, then leaned back (toward −z) about that edge
      const back = placedBox([-w / 2, 0, 0], [w / 2, p.backHeight, p.backThickness],
        rotationAboutAxis('x', -p.backTilt), [0, h, -d / 2]);
      return [seat, back, fourLegs(w, d, h - t, p.legWidth, 0)];
    },
  }),
  defineCategory({
    name: 'lamp',
    parts: ['shade', 'pole', 'base'],
    ranges: {
      baseRadius: [0.25, 0.4], baseThickness: [0.03, 0.08], poleRadius: [0.02, 0.035], poleHeight: [0.8, 1.4],
      shadeRadius: [0.25, 0.45], shadeTopRatio: [0.4, 0.8], shadeHeight: [0.25, 0.45],
    },
    build: (p) => {
      const { baseRadius: rb, baseThickness: tb, poleRadius: rp } = p;
      const top = tb + p.poleHeight, shadeTop = top + 0.25 * p.shadeHeight;
      const base = [frustum(rb, rb, 0, tb), annulus(rp, rb, tb, 1), annulus(0, rb, 0, -1)];
      const pole = [frustum(rp, rp, tb, top)];
      const shade = [frustum(p.shadeRadius, p.shadeRadius * p.shadeTopRatio, shadeTop - p.shadeHeight, shadeTop)];
      return [shade, pole, base];
    },
  }),
  defineCategory({
    name: 'mug',
    parts: ['body', 'handle'],
    ranges: {
      radius: [0.25, 0.4], height: [0.7, 1.1], taper: [1, 1.15], wall: [0.02, 0.04],
      handleRadius: [0.2, 0.3], handleTube: [0.04, 0.08],
    },
    build: (p) => {
      const { radius: r, height: h, wall } = p, rTop = r * p.taper;
      const body = [
        frustum(r, rTop, 0, h), annulus(0, r, 0, -1), // outside
        frustum(r - wall, rTop - wall, wall, h), annulus(0, r - wall, wall, 1), // inside
        annulus(rTop - wall, rTop, h, 1), // rim
      ];
      // the x ≥ 0 half of a torus, stood up into the xy-plane and centred on the wall at mid-height
      const handle = placed(torus(p.handleRadius, p.handleTube, -Math.PI / 2, Math.PI / 2), {
        rotation: rotationAboutAxis('x', Math.PI / 2), offset: [(r + rTop) / 2, h / 2, 0],
      });
      return [body, [handle]];
    },
  }),
  defineCategory({
    name: 'table',
    parts: ['top', 'legs'],
    ranges: {
      width: [1.2, 2], depth: [0.6, 1.1], height: [0.6, 0.9], topThickness: [0.04, 0.1],
      legWidth: [0.05, 0.1], legInset: [0.02, 0.15],
    },
    build: (p) => {
      const { width: w, depth: d, height: h, topThickness: t } = p;
      return [box([-w / 2, h - t, -d / 2], [w / 2, h, d / 2]), fourLegs(w, d, h - t, p.legWidth, p.legInset)];
    },
  }),
];

/**
 * Names of the built-in {@link PART_CATEGORIES}.
 *
 * @example
 * ```ts
 * const name: PartCategoryName = 'lamp';
 * ```
 */
export type PartCategoryName = 'airplane' | 'chair' | 'lamp' | 'mug' | 'table';

/**
 * How one part-labelled cloud is generated.
 *
 * @example
 * ```ts
 * const options: PartCloudOptions = { points: 2048, rotation: 'so3', occlusion: 0.2 };
 * ```
 */
export interface PartCloudOptions extends FinishOptions {
  /** Points per cloud. Default 1024. */
  points?: number;
  /**
   * Largest fraction hidden by a random plane (see {@link SampleSurfaceOptions.occlusion}); with
   * it a small part (a lamp's base, say) can vanish from a cloud. Default 0.
   */
  occlusion?: number;
}

/**
 * One part-labelled cloud.
 *
 * @example
 * ```ts
 * const { points, partLabels }: PartCloud = samplePartCloud('chair', rng);
 * ```
 */
export interface PartCloud {
  /** [points·3] float32 xyz. */
  points: Float32Array;
  /** [points] global part id of each point (see {@link partIds}). */
  partLabels: Int32Array;
}

/**
 * One cloud of `category` with a global part id per point: random proportions, area-weighted
 * sampling across parts (a part's share of the points ∝ its area), pose, noise, normalised to
 * the unit sphere. Defaults: 1024 points, rotation about the up axis (+y) only, noise σ 0.01.
 *
 * @example
 * ```ts
 * const { points, partLabels } = samplePartCloud('lamp', new Random(5));
 * ```
 */
export function samplePartCloud(category: PartCategory | PartCategoryName, rng: Random, options: PartCloudOptions = {}): PartCloud {
  const cat = typeof category === 'string' ? partCategory(category) : category;
  const firstId = partIds(cat)[0]!;
  const built = cat.build(drawParams(cat.ranges, rng));
  const occlusion = rng.uniform(0, options.occlusion ?? 0);
  const { xyz, patch } = sampleSurface(built.patches, options.points ?? 1024, rng, { occlusion });
  finishCloud(xyz, rng, { rotation: options.rotation ?? 'up', noise: options.noise ?? 0.01 });
  return { points: new Float32Array(xyz), partLabels: patch.map((k) => firstId + built.partOfPatch[k]!) };
}

/**
 * The built-in category called `name`.
 *
 * @example
 * ```ts
 * partCategory('table').parts; // ['top', 'legs']
 * ```
 */
export function partCategory(name: PartCategoryName): PartCategory {
  const found = PART_CATEGORIES.find((c) => c.name === name);
  if (!found) throw new Error(`unknown part category '${name}'; known: ${PART_CATEGORIES.map((c) => c.name).join(', ')}`);
  return found;
}

/**
 * The global part ids of a built-in category's parts (ids number all parts of all
 * {@link PART_CATEGORIES} in order, so they never depend on which categories a set uses).
 *
 * @example
 * ```ts
 * partIds(partCategory('chair')); // [3, 4, 5]
 * ```
 */
export function partIds(category: PartCategory): number[] {
  let first = 0;
  for (const c of PART_CATEGORIES) {
    if (c === category) return c.parts.map((_, k) => first + k);
    first += c.parts.length;
  }
  throw new Error(`partIds: '${category.name}' is not one of PART_CATEGORIES`);
}

/**
 * Options of {@link generateSegmentationSet}.
 *
 * @example
 * ```ts
 * const options: SegmentationSetOptions = { count: 500, seed: 3, categories: ['mug', 'table'] };
 * ```
 */
export interface SegmentationSetOptions extends PartCloudOptions {
  /** Number of clouds. */
  count: number;
  /** Integer seed; the same seed gives the same bytes, another seed a held-out set. */
  seed: number;
  /** Categories to use, in category-label order. Default all of {@link PART_CATEGORIES}. */
  categories?: readonly PartCategoryName[];
}

/**
 * A generated part-segmentation dataset.
 *
 * @example
 * ```ts
 * const { points, partLabels, partsOfCategory }: SegmentationSet = generateSegmentationSet({ count: 8, seed: 1 });
 * ```
 */
export interface SegmentationSet {
  /** [count·points·3] float32 xyz, cloud after cloud. */
  points: Float32Array;
  /** [count·points] global part id of each point, into `partNames`. */
  partLabels: Int32Array;
  /** [count] category of each cloud, into `categoryNames`. */
  categories: Int32Array;
  categoryNames: string[];
  /** Every global part id's name, 'category/part', for all built-in categories. */
  partNames: string[];
  /** Global part ids of each entry of `categoryNames`. */
  partsOfCategory: number[][];
}

/**
 * A balanced, shuffled part-segmentation set (every category gets ⌊count/C⌋ or ⌈count/C⌉
 * clouds), deterministic from the seed.
 *
 * @example
 * ```ts
 * const train = generateSegmentationSet({ count: 1000, seed: 1 });
 * const test = generateSegmentationSet({ count: 200, seed: 2 });
 * train.partNames[train.partLabels[0]]; // e.g. 'mug/handle'
 * ```
 */
export function generateSegmentationSet(options: SegmentationSetOptions): SegmentationSet {
  const chosen = (options.categories ?? (PART_CATEGORIES.map((c) => c.name) as PartCategoryName[])).map(partCategory);
  const { labels, rngFor } = labelledLayout(options.count, chosen.length, options.seed, SEGMENTATION_STREAM);
  const n = options.points ?? 1024;
  const points = new Float32Array(labels.length * n * 3);
  const partLabels = new Int32Array(labels.length * n);
  labels.forEach((label, i) => {
    const cloud = samplePartCloud(chosen[label]!, rngFor(i), options);
    points.set(cloud.points, i * n * 3);
    partLabels.set(cloud.partLabels, i * n);
  });
  return {
    points,
    partLabels,
    categories: labels,
    categoryNames: chosen.map((c) => c.name),
    partNames: PART_CATEGORIES.flatMap((c) => c.parts.map((part) => `${c.name}/${part}`)),
    partsOfCategory: chosen.map(partIds),
  };
}

/** Keeps segmentation streams apart from classification streams of the same seed. */
const SEGMENTATION_STREAM = 0x5e6;
