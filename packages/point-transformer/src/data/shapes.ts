import { type FinishOptions, finishCloud } from './cloud.js';
import type { Vec3 } from './mat3.js';
import { type ParamRanges, drawParams } from './params.js';
import { labelledLayout } from './dataset.js';
import type { Random } from './random.js';
import { sampleSurface } from './sample-surface.js';
import {
  type SurfacePatch, annulus, box, frustum, helixEndCaps, helixTube, parallelogram, placed, sphereZone, torus, triangle,
} from './surface.js';

/**
 * What a shape class builds for one parameter draw.
 *
 * @example
 * ```ts
 * const { patches, stretch }: ShapeSurface = shapeClass('ellipsoid').build({ axisB: 0.6, axisC: 0.4 });
 * ```
 */
export interface ShapeSurface {
  patches: SurfacePatch[];
  /** Per-axis scale applied exactly by {@link sampleSurface} (the ellipsoid's axes). */
  stretch?: Vec3;
}

/**
 * A procedurally generated shape class: parameter ranges (uniform) and a builder of its surface
 * around +y. Sizes are arbitrary: clouds are normalised to the unit sphere afterwards, so only
 * proportions matter, and the ranges are chosen so that classes stay distinguishable.
 *
 * @example
 * ```ts
 * const cone = SHAPE_CLASSES.find((c) => c.name === 'cone')!;
 * cone.ranges.heightOverRadius; // [1.2, 3]
 * ```
 */
export interface ShapeClass {
  readonly name: string;
  readonly ranges: ParamRanges;
  /**
   * Each axis is further scaled by a factor uniform in [1 − a, 1 + a] (exactly, by rejection), so
   * instances are mildly anisotropic. 0 for the sphere, which would otherwise be an ellipsoid.
   */
  readonly anisotropy: number;
  build(params: Readonly<Record<string, number>>): ShapeSurface;
}

function defineShape<K extends string>(shape: {
  name: string;
  ranges: ParamRanges<K>;
  anisotropy: number;
  build(p: Readonly<Record<K, number>>): ShapeSurface;
}): ShapeClass {
  return shape as ShapeClass;
}

/** A closed cylinder of radius 1 from y = −h/2 to h/2. */
const closedCylinder = (h: number): SurfacePatch[] =>
  [frustum(1, 1, -h / 2, h / 2), annulus(0, 1, h / 2, 1), annulus(0, 1, -h / 2, -1)];

/**
 * The ten shape classes, in label order. Ranges (sizes relative to a unit radius or half-width):
 *
 * | class     | parameters                                                      | anisotropy |
 * |-----------|-----------------------------------------------------------------|------------|
 * | sphere    | —                                                               | 0          |
 * | cube      | —                                                               | ±15 %      |
 * | cylinder  | height / diameter ∈ [0.6, 2.5], closed                          | ±10 %      |
 * | cone      | height / base radius ∈ [1.2, 3], closed                         | ±10 %      |
 * | torus     | tube / ring radius ∈ [0.15, 0.4]                                | ±10 %      |
 * | capsule   | straight length / radius ∈ [1.25, 3]                            | ±10 %      |
 * | pyramid   | square base, height / base side ∈ [0.6, 1.5], closed            | ±10 %      |
 * | ellipsoid | axes 1, b ∈ [0.35, 1], c ∈ [0.35, 0.75] (largest ≥ 1.33 × least) | 0          |
 * | disc      | thickness / diameter ∈ [0.02, 0.08], closed                     | ±10 %      |
 * | helix     | pitch / radius ∈ [0.6, 1.2], turns ∈ [1.5, 3.5], tube / radius ∈ [0.08, 0.2], closed ends | ±10 % |
 *
 * So after anisotropy a disc's thickness is < 10 % of its diameter while a cylinder's height is
 * > 49 % of it; an ellipsoid's axes differ by ≥ 33 % while a sphere's do not at all; a capsule's
 * straight part is ≥ its radius; a helix's coils never touch (tube diameter < pitch).
 *
 * @example
 * ```ts
 * SHAPE_CLASSES.map((c) => c.name); // ['sphere', 'cube', 'cylinder', …]
 * ```
 */
export const SHAPE_CLASSES: readonly ShapeClass[] = [
  defineShape({ name: 'sphere', ranges: {}, anisotropy: 0, build: () => ({ patches: [sphereZone(1)] }) }),
  defineShape({ name: 'cube', ranges: {}, anisotropy: 0.15, build: () => ({ patches: box([-1, -1, -1], [1, 1, 1]) }) }),
  defineShape({
    name: 'cylinder', ranges: { heightOverDiameter: [0.6, 2.5] }, anisotropy: 0.1,
    build: (p) => ({ patches: closedCylinder(2 * p.heightOverDiameter) }),
  }),
  defineShape({
    name: 'cone', ranges: { heightOverRadius: [1.2, 3] }, anisotropy: 0.1,
    build: (p) => ({ patches: [frustum(1, 0, 0, p.heightOverRadius), annulus(0, 1, 0, -1)] }),
  }),
  defineShape({
    name: 'torus', ranges: { tubeOverRadius: [0.15, 0.4] }, anisotropy: 0.1,
    build: (p) => ({ patches: [torus(1, p.tubeOverRadius)] }),
  }),
  defineShape({
    name: 'capsule', ranges: { lengthOverRadius: [1.25, 3] }, anisotropy: 0.1,
    build: (p) => {
      const half = p.lengthOverRadius / 2;
      return {
        patches: [
          frustum(1, 1, -half, half),
          placed(sphereZone(1, 0, 1), { offset: [0, half, 0] }),
          placed(sphereZone(1, -1, 0), { offset: [0, -half, 0] }),
        ],
      };
    },
  }),
  defineShape({
    name: 'pyramid', ranges: { heightOverBase: [0.6, 1.5] }, anisotropy: 0.1,
    build: (p) => {
      const apex: Vec3 = [0, 2 * p.heightOverBase, 0];
      const corners: Vec3[] = [[1, 0, 1], [1, 0, -1], [-1, 0, -1], [-1, 0, 1]];
      const sides = corners.map((c, k) => triangle(c, corners[(k + 1) % 4]!, apex));
      return { patches: [...sides, parallelogram([-1, 0, -1], [2, 0, 0], [0, 0, 2])] };
    },
  }),
  defineShape({
    name: 'ellipsoid', ranges: { axisB: [0.35, 1], axisC: [0.35, 0.75] }, anisotropy: 0,
    build: (p) => ({ patches: [sphereZone(1)], stretch: [1, p.axisB, p.axisC] }),
  }),
  defineShape({
    name: 'disc', ranges: { thicknessOverDiameter: [0.02, 0.08] }, anisotropy: 0.1,
    build: (p) => ({ patches: closedCylinder(2 * p.thicknessOverDiameter) }),
  }),
  defineShape({
    name: 'helix', ranges: { pitchOverRadius: [0.6, 1.2], turns: [1.5, 3.5], tubeOverRadius: [0.08, 0.2] }, anisotropy: 0.1,
    build: (p) => {
      const args = [1, p.pitchOverRadius, p.turns, p.tubeOverRadius] as const;
      return { patches: [helixTube(...args), ...helixEndCaps(...args)] };
    },
  }),
];

/**
 * Names of the built-in {@link SHAPE_CLASSES}.
 *
 * @example
 * ```ts
 * const subset: ShapeClassName[] = ['sphere', 'cube', 'torus'];
 * ```
 */
export type ShapeClassName =
  'sphere' | 'cube' | 'cylinder' | 'cone' | 'torus' | 'capsule' | 'pyramid' | 'ellipsoid' | 'disc' | 'helix';

/**
 * How one shape cloud is generated.
 *
 * @example
 * ```ts
 * const clean: ShapeCloudOptions = { rotation: 'none', noise: 0, occlusion: 0, anisotropy: false };
 * ```
 */
export interface ShapeCloudOptions extends FinishOptions {
  /** Points per cloud. Default 1024. */
  points?: number;
  /**
   * Largest fraction of the surface hidden by a random plane (each cloud draws its fraction
   * uniformly in [0, occlusion]); see {@link SampleSurfaceOptions.occlusion}. Default 0.3.
   */
  occlusion?: number;
  /** Set false to turn the per-class anisotropic scaling off. Default true. */
  anisotropy?: boolean;
}

/**
 * One cloud of `shape`: random parameters, anisotropic scale, occlusion, uniform surface sampling,
 * pose, noise, normalised to the unit sphere (see {@link finishCloud}). Defaults: 1024 points, a
 * uniform 3-D rotation, noise σ 0.01, occlusion up to 30 %.
 *
 * @returns [points·3] float32 xyz.
 * @example
 * ```ts
 * const torusCloud = sampleShape('torus', new Random(1), { rotation: 'up' });
 * ```
 */
export function sampleShape(shape: ShapeClass | ShapeClassName, rng: Random, options: ShapeCloudOptions = {}): Float32Array {
  const cls = typeof shape === 'string' ? shapeClass(shape) : shape;
  const params = drawParams(cls.ranges, rng);
  const built = cls.build(params);
  const a = options.anisotropy === false ? 0 : cls.anisotropy;
  const base = built.stretch ?? [1, 1, 1];
  const stretch: Vec3 = [base[0] * rng.uniform(1 - a, 1 + a), base[1] * rng.uniform(1 - a, 1 + a), base[2] * rng.uniform(1 - a, 1 + a)];
  const occlusion = rng.uniform(0, options.occlusion ?? 0.3);
  const { xyz } = sampleSurface(built.patches, options.points ?? 1024, rng, { stretch, occlusion });
  return new Float32Array(finishCloud(xyz, rng, { rotation: options.rotation ?? 'so3', noise: options.noise ?? 0.01 }));
}

/**
 * The built-in class called `name`.
 *
 * @example
 * ```ts
 * shapeClass('helix').ranges.turns; // [1.5, 3.5]
 * ```
 */
export function shapeClass(name: ShapeClassName): ShapeClass {
  const found = SHAPE_CLASSES.find((c) => c.name === name);
  if (!found) throw new Error(`unknown shape class '${name}'; known: ${SHAPE_CLASSES.map((c) => c.name).join(', ')}`);
  return found;
}

/**
 * Options of {@link generateClassificationSet}.
 *
 * @example
 * ```ts
 * const options: ClassificationSetOptions = { count: 1000, seed: 1, points: 512, rotation: 'up' };
 * ```
 */
export interface ClassificationSetOptions extends ShapeCloudOptions {
  /** Number of clouds. */
  count: number;
  /** Integer seed; the same seed gives the same bytes, another seed a held-out set. */
  seed: number;
  /** Classes to use, in label order. Default all of {@link SHAPE_CLASSES}. */
  classes?: readonly ShapeClassName[];
}

/**
 * A generated classification dataset.
 *
 * @example
 * ```ts
 * const { points, labels, classNames }: ClassificationSet = generateClassificationSet({ count: 10, seed: 1 });
 * ```
 */
export interface ClassificationSet {
  /** [count·points·3] float32 xyz, cloud after cloud. */
  points: Float32Array;
  /** [count] class index of each cloud, into `classNames`. */
  labels: Int32Array;
  classNames: string[];
}

/**
 * A balanced, shuffled classification set of procedurally generated shapes (every class gets
 * ⌊count/C⌋ or ⌈count/C⌉ clouds), deterministic from the seed. Cloud i depends only on (seed, i,
 * its label, options), not on the clouds generated before it.
 *
 * @example
 * ```ts
 * const train = generateClassificationSet({ count: 2000, seed: 1 });
 * const test = generateClassificationSet({ count: 500, seed: 2 }); // held out
 * const x = tf.tensor3d(train.points, [2000, 1024, 3]);
 * ```
 */
export function generateClassificationSet(options: ClassificationSetOptions): ClassificationSet {
  const classes = (options.classes ?? (SHAPE_CLASSES.map((c) => c.name) as ShapeClassName[])).map(shapeClass);
  const { labels, rngFor } = labelledLayout(options.count, classes.length, options.seed, CLASSIFICATION_STREAM);
  const stride = (options.points ?? 1024) * 3;
  const points = new Float32Array(labels.length * stride);
  labels.forEach((label, i) => points.set(sampleShape(classes[label]!, rngFor(i), options), i * stride));
  return { points, labels, classNames: classes.map((c) => c.name) };
}

/** Keeps classification streams apart from segmentation streams of the same seed. */
const CLASSIFICATION_STREAM = 0x5ea9e;
