import { PointCloudError } from './errors.js';
import { writeLas, type LasWriteOptions } from './las/write-las.js';
import { writePcd, type PcdWriteOptions } from './pcd/write-pcd.js';
import { writePly, type PlyWriteOptions } from './ply/write-ply.js';
import type { PointCloud } from './types.js';
import { writeXyz, type XyzWriteOptions } from './xyz/write-xyz.js';

/**
 * Options for {@link writePointCloud}: the file format, the encoding as `variant` (PLY: ascii /
 * binary_little_endian / binary_big_endian; PCD: ascii / binary / binary_compressed), and that
 * writer's other options.
 *
 * @example
 * ```ts
 * const options: WriteOptions = { format: 'ply', variant: 'ascii' };
 * ```
 */
export type WriteOptions =
  | ({ format: 'ply'; variant?: PlyWriteOptions['format'] } & Omit<PlyWriteOptions, 'format'>)
  | ({ format: 'pcd'; variant?: PcdWriteOptions['format'] } & Omit<PcdWriteOptions, 'format'>)
  | ({ format: 'xyz' } & XyzWriteOptions)
  | ({ format: 'las' } & LasWriteOptions);

/**
 * Writes a cloud in any writable format (PLY, PCD, XYZ, LAS); see {@link writePly},
 * {@link writePcd}, {@link writeXyz} and {@link writeLas}.
 *
 * @example
 * ```ts
 * import { writePointCloud } from '@heed/pointcloud-io';
 * const bytes = writePointCloud(cloud, { format: 'pcd', variant: 'binary_compressed' });
 * ```
 */
export function writePointCloud(cloud: PointCloud, options: WriteOptions): Uint8Array {
  switch (options.format) {
    case 'ply': return writePly(cloud, { ...options, format: options.variant });
    case 'pcd': return writePcd(cloud, { ...options, format: options.variant });
    case 'xyz': return writeXyz(cloud, options);
    case 'las': return writeLas(cloud, options);
    default:
      throw new PointCloudError('invalid-argument', `cannot write format ${String((options as { format?: unknown }).format)}`, { expected: 'ply, pcd, xyz or las' });
  }
}
