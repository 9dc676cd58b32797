/**
 * The shared data types: {@link PointCloud}, read options and results.
 *
 * @packageDocumentation
 */

/**
 * A typed array holding one scalar per point. 64-bit integers are widened into `Float64Array`.
 *
 * @example
 * ```ts
 * const confidence: ScalarArray = cloud.fields?.confidence ?? new Float32Array(0);
 * ```
 */
export type ScalarArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array;

/**
 * The file formats this package knows. `laz` is compressed `las`.
 *
 * @example
 * ```ts
 * const format: PointCloudFormat = cloud.format ?? 'ply';
 * ```
 */
export type PointCloudFormat = 'ply' | 'pcd' | 'xyz' | 'off' | 'las' | 'laz';

/**
 * An axis-aligned bounding box.
 *
 * @example
 * ```ts
 * const { min, max } = cloud.bounds ?? computeBounds(cloud.positions);
 * ```
 */
export interface Bounds {
  min: [number, number, number];
  max: [number, number, number];
}

/**
 * A point cloud (or a triangle mesh, when `faces` is set). Every per-point array is interleaved
 * and has one entry (or one tuple) per point; N = `positions.length / 3`.
 *
 * - `positions`: x,y,z per point, `Float32Array` of length 3N (LAS scale and offset already applied).
 * - `colors`: RGB or RGBA per point, interleaved, length 3N or 4N — the channel count is
 *   `colors.length / N` (see {@link colorChannels}). A `Uint8Array` holds 0–255; a `Float32Array`
 *   holds 0–1.
 * - `normals`: nx,ny,nz per point, length 3N.
 * - `intensity`: one raw value per point, length N (not rescaled: LAS 0–65535, PLY/PCD as stored).
 * - `labels`: one integer class per point, length N (PLY/PCD `label`, LAS classification).
 * - `fields`: every other per-point scalar, by its name in the file, length N each.
 * - `faces`: vertex indices, three per triangle (polygons are fan-triangulated).
 * - `bounds`: min/max of `positions`, filled by every reader.
 * - `format`/`variant`: what the reader saw, e.g. `ply` / `binary_little_endian`.
 * - `metadata`: format-specific header facts (comments, PCD viewpoint, LAS scale/offset…).
 *
 * @example
 * ```ts
 * import type { PointCloud } from '@heed/pointcloud-io';
 * const cloud: PointCloud = {
 *   positions: new Float32Array([0, 0, 0, 1, 0, 0, 0, 1, 0]),
 *   colors: new Uint8Array([255, 0, 0, 0, 255, 0, 0, 0, 255]),
 *   faces: new Uint32Array([0, 1, 2]),
 * };
 * ```
 */
export interface PointCloud {
  positions: Float32Array;
  colors?: Uint8Array | Float32Array;
  normals?: Float32Array;
  intensity?: Float32Array;
  labels?: Int32Array;
  fields?: Record<string, ScalarArray>;
  faces?: Uint32Array;
  bounds?: Bounds;
  format?: PointCloudFormat;
  variant?: string;
  metadata?: Record<string, unknown>;
}

/**
 * How to find and feed the LAZ decoder (laz-perf) used for LAZ 1.4 / COPC. In Node nothing is
 * needed. In a browser or worker, pass `wasmBinary` or `locateFile` if your bundler does not serve
 * `laz-perf.wasm` next to the laz-perf script.
 *
 * @example
 * ```ts
 * import wasmUrl from 'laz-perf/lib/worker/laz-perf.wasm?url';
 * const laz: LazOptions = { locateFile: () => wasmUrl };
 * ```
 */
export interface LazOptions {
  /** The bytes of `laz-perf.wasm`. */
  wasmBinary?: ArrayBuffer | Uint8Array;
  /** Maps the wasm file name to a URL. */
  locateFile?: (file: string) => string;
}

/**
 * Options every reader accepts.
 *
 * @example
 * ```ts
 * const options: ReadOptions = { fileName: 'scan.pcd', nonFinite: 'error', maxPoints: 5_000_000 };
 * ```
 */
export interface ReadOptions {
  /** Used in error and warning messages. Also used to guess the format by extension. */
  fileName?: string;
  /** Skip format sniffing (only {@link readPointCloud} uses this). */
  format?: PointCloudFormat;
  /** What to do with points whose coordinates are NaN or ±Infinity: drop them with a warning (default) or throw. */
  nonFinite?: 'drop' | 'error';
  /** Largest point (vertex) count accepted; checked against the header before allocating. Default 100 000 000. */
  maxPoints?: number;
  /** Largest input accepted, in bytes. Default 2 GiB. */
  maxBytes?: number;
  /** Return an empty cloud instead of throwing when the file holds no points. Default false. */
  allowEmpty?: boolean;
  /**
   * LAS/LAZ decoder: `auto` (default) uses loaders.gl for uncompressed LAS ≤ 1.3 with point formats
   * 0–3 and the built-in record decoder (+ laz-perf for every LAZ) for the rest; `loaders.gl`
   * (LAS/LAZ ≤ 1.3, formats 0–3) or `builtin` force one.
   */
  lasDecoder?: 'auto' | 'loaders.gl' | 'builtin';
  /**
   * Layout of PCD `binary_compressed` data: `columns` (field by field, as PCL writes it), `rows`
   * (point by point, as pcd-rs writes it) or `auto` (default: detected, see the README).
   */
  pcdCompressedLayout?: 'auto' | 'columns' | 'rows';
  /** Where to find laz-perf's wasm in browsers. */
  laz?: LazOptions;
  /**
   * XYZ/TXT/CSV column names (e.g. `['x','y','z','nx','ny','nz']`), overriding the header row and
   * the guess from the column count.
   */
  columns?: string[];
}

/**
 * What a reader returns: the cloud plus any warnings (dropped non-finite points, trailing bytes…).
 *
 * @example
 * ```ts
 * const { cloud, warnings } = await readPointCloud(bytes, { fileName: 'a.ply' });
 * for (const w of warnings) console.warn(w);
 * ```
 */
export interface ReadResult {
  cloud: PointCloud;
  warnings: string[];
}
