/**
 * Node-only helpers (`@heed/pointcloud-io/node`): read and write files by path. The core entry
 * point never touches the file system, so it also runs in browsers and Web Workers.
 *
 * @packageDocumentation
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { DEFAULT_MAX_BYTES } from './context.js';
import { formatFromFileName } from './detect-format.js';
import { PointCloudError } from './errors.js';
import { readPointCloud } from './read-point-cloud.js';
import type { PointCloud, ReadOptions, ReadResult } from './types.js';
import { writePointCloud, type WriteOptions } from './write-point-cloud.js';

/**
 * Reads a point-cloud file from disk (size checked against `maxBytes` before reading); the path is
 * the `fileName` in messages unless one is given.
 *
 * @example
 * ```ts
 * import { readPointCloudFile } from '@heed/pointcloud-io/node';
 * const { cloud, warnings } = await readPointCloudFile('data/bunny.ply');
 * ```
 */
export async function readPointCloudFile(path: string, options: ReadOptions = {}): Promise<ReadResult> {
  const fileName = options.fileName ?? path;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const { size } = await stat(path);
  if (size > maxBytes) throw new PointCloudError('limit', `file is ${size} bytes, more than maxBytes = ${maxBytes}`, { fileName });
  const bytes = await readFile(path);
  return readPointCloud(bytes, { ...options, fileName });
}

/**
 * Writes a cloud to disk; the format defaults to the path's extension (`.ply`, `.pcd`, `.xyz`/`.txt`/`.csv`, `.las`).
 *
 * @example
 * ```ts
 * import { writePointCloudFile } from '@heed/pointcloud-io/node';
 * await writePointCloudFile('out/sample.ply', cloud, { format: 'ply', variant: 'ascii' });
 * await writePointCloudFile('out/sample.csv', cloud);
 * ```
 */
export async function writePointCloudFile(path: string, cloud: PointCloud, options?: WriteOptions): Promise<void> {
  await writeFile(path, writePointCloud(cloud, options ?? optionsFromExtension(path)));
}

function optionsFromExtension(path: string): WriteOptions {
  const byName = formatFromFileName(path);
  switch (byName) {
    case 'ply':
    case 'pcd':
    case 'las':
      return { format: byName };
    case 'xyz':
      return path.toLowerCase().endsWith('.csv') ? { format: 'xyz', delimiter: ',' } : { format: 'xyz' };
    default:
      throw new PointCloudError('invalid-argument', 'cannot tell which format to write from the extension', { fileName: path, expected: '.ply, .pcd, .xyz, .txt, .csv or .las' });
  }
}
