// Procedural datasets: labelled shape clouds for classification, part-labelled objects for segmentation.
export {
  SHAPE_CLASSES, generateClassificationSet, sampleShape, shapeClass,
  type ClassificationSet, type ClassificationSetOptions, type ShapeClass, type ShapeClassName, type ShapeCloudOptions,
  type ShapeSurface,
} from './shapes.js';
export {
  PART_CATEGORIES, generateSegmentationSet, partCategory, partIds, samplePartCloud,
  type PartCategory, type PartCategoryName, type PartCloud, type PartCloudOptions, type PartSurface,
  type SegmentationSet, type SegmentationSetOptions,
} from './parts.js';

// Training-time augmentation.
export { augmentPointClouds, type AugmentOptions } from './augment.js';

// Seeded randomness (the package's one PRNG) and the cloud operations the generators share.
export { Random, mixSeed, toRandom } from './random.js';
export {
  addGaussianNoise, finishCloud, normalizeToUnitSphereInPlace, randomRotation, type FinishOptions, type RotationMode,
} from './cloud.js';
export { rotationAboutAxis, rotationFromUp, transformPoints, type Mat3, type Vec3 } from './mat3.js';

// Building blocks for new shapes: area-uniform surface patches and their sampler.
export {
  annulus, box, frustum, helixEndCaps, helixTube, parallelogram, placed, quad, sphereZone, torus, triangle,
  type BoxFace, type Placement, type SurfacePatch,
} from './surface.js';
export { sampleSurface, type SampleSurfaceOptions, type SurfaceSample } from './sample-surface.js';
export { drawParams, midParams, type ParamRange, type ParamRanges } from './params.js';
