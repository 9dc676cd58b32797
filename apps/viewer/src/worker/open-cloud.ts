import { type PointCloud, colorChannels, readPointCloud } from '@heed/pointcloud-io';
import { PART_CATEGORIES, Random, SHAPE_CLASSES, samplePartCloud, sampleShape } from '@heed/point-transformer';
import lazWasm from 'laz-perf/lib/worker/laz-perf.wasm?url';
import bunnyUrl from '../../samples/bunny.ply?url';
import type { LoadedCloud } from '../protocol.js';

/** Points in each generated sample (more than the models take, as a scan would have). */
const GENERATED_POINTS = 4096;
/** Seed of every generated sample: the same sample name is the same cloud on every machine. */
const SAMPLE_SEED = 7;

/**
 * The samples the viewer offers without a file: the bundled Stanford bunny, one generated cloud
 * per procedural shape class, and one per part category (those carry their category, so a part
 * segmenter knows what it looks at).
 *
 * @example
 * ```ts
 * SAMPLE_NAMES[0]; // 'bunny'
 * ```
 */
export const SAMPLE_NAMES: readonly string[] = ['bunny', ...PART_CATEGORIES.map((c) => c.name), ...SHAPE_CLASSES.map((c) => c.name)];

/**
 * Opens a bundled or generated sample by name.
 *
 * @example
 * ```ts
 * const cloud = await openSample('mug'); // 4096 points, category 'mug'
 * ```
 */
export async function openSample(name: string): Promise<LoadedCloud> {
  if (name === 'bunny') {
    const response = await fetch(bunnyUrl);
    if (!response.ok) throw new Error(`bunny.ply: HTTP ${response.status}`);
    return openCloudBytes(new Uint8Array(await response.arrayBuffer()), 'bunny.ply', 'bunny');
  }
  const rng = new Random(SAMPLE_SEED);
  const category = PART_CATEGORIES.find((c) => c.name === name);
  if (category) {
    const { points } = samplePartCloud(category, rng, { points: GENERATED_POINTS, rotation: 'up' });
    return { name, format: 'generated', count: GENERATED_POINTS, positions: points, category: category.name, warnings: [] };
  }
  const shape = SHAPE_CLASSES.find((c) => c.name === name);
  if (shape) {
    const positions = sampleShape(shape, rng, { points: GENERATED_POINTS, rotation: 'up', occlusion: 0 });
    return { name, format: 'generated', count: GENERATED_POINTS, positions, warnings: [] };
  }
  throw new Error(`sample "${name}" does not exist (samples: ${SAMPLE_NAMES.join(', ')})`);
}

/**
 * Reads a file's bytes with @heed/pointcloud-io (every format it knows, sniffed from the bytes)
 * and keeps what the viewer shows: positions, RGB colours, one scalar field.
 *
 * @example
 * ```ts
 * const cloud = await openCloudBytes(bytes, 'scan.laz');
 * ```
 */
export async function openCloudBytes(bytes: Uint8Array, fileName: string, name = fileName): Promise<LoadedCloud> {
  const { cloud, warnings } = await readPointCloud(bytes, { fileName, laz: { locateFile: () => lazWasm } });
  const count = cloud.positions.length / 3;
  const colors = rgb8(cloud, count);
  const scalar = firstScalar(cloud);
  return {
    name, format: [cloud.format, cloud.variant].filter(Boolean).join(' '), count, positions: cloud.positions, warnings,
    ...(colors ? { colors } : {}), ...(scalar ? { scalar } : {}),
  };
}

/** The cloud's colours as RGB bytes, whatever their channel count and type. */
function rgb8(cloud: PointCloud, count: number): Uint8Array | undefined {
  if (!cloud.colors) return undefined;
  const channels = colorChannels(cloud);
  const out = new Uint8Array(3 * count);
  const scale = cloud.colors instanceof Float32Array ? 255 : 1;
  for (let i = 0; i < count; i++) {
    for (let c = 0; c < 3; c++) out[3 * i + c] = Math.max(0, Math.min(255, Math.round(cloud.colors[channels * i + c]! * scale)));
  }
  return out;
}

/** Intensity, else the first other per-point scalar field, as float32. */
function firstScalar(cloud: PointCloud): LoadedCloud['scalar'] {
  if (cloud.intensity) return { name: 'intensity', values: cloud.intensity };
  const [name, values] = Object.entries(cloud.fields ?? {})[0] ?? [];
  return name && values ? { name, values: Float32Array.from(values as ArrayLike<number>) } : undefined;
}
