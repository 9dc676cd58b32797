import { PointCloudError } from './errors.js';
import { detectFormat, formatFromFileName } from './detect-format.js';
import { readLas } from './las/read-las.js';
import { readOff } from './off/read-off.js';
import { readPcd } from './pcd/read-pcd.js';
import { readPly } from './ply/read-ply.js';
import type { ReadOptions, ReadResult } from './types.js';
import { toBytes, type BinaryInput } from './util/to-bytes.js';
import { readXyz } from './xyz/read-xyz.js';

/**
 * Reads any supported file: the format is `options.format`, else sniffed from the bytes
 * (magic numbers and header keywords win over the extension of `options.fileName`).
 * Runs anywhere (browser, Web Worker, Node): bytes in, no file system.
 *
 * @example
 * ```ts
 * import { readPointCloud } from '@heed/pointcloud-io';
 * const bytes = await (await fetch('/models/bunny.ply')).arrayBuffer();
 * const { cloud, warnings } = await readPointCloud(bytes, { fileName: 'bunny.ply' });
 * ```
 */
export async function readPointCloud(input: BinaryInput, options: ReadOptions = {}): Promise<ReadResult> {
  const bytes = toBytes(input, options.fileName);
  const format = options.format ?? detectFormat(bytes, options.fileName);
  const result = await readAs(format, bytes, options);
  const byName = formatFromFileName(options.fileName);
  if (!options.format && byName && byName !== format && !(byName === 'las' && format === 'laz') && !(byName === 'laz' && format === 'las')) {
    result.warnings.push(`${options.fileName}: content is ${format?.toUpperCase()}, not what the extension suggests (${byName.toUpperCase()})`);
  }
  return result;
}

function readAs(format: string | undefined, bytes: Uint8Array, options: ReadOptions): ReadResult | Promise<ReadResult> {
  switch (format) {
    case 'ply': return readPly(bytes, options);
    case 'pcd': return readPcd(bytes, options);
    case 'xyz': return readXyz(bytes, options);
    case 'off': return readOff(bytes, options);
    case 'las':
    case 'laz': return readLas(bytes, options);
    default:
      throw new PointCloudError('unsupported', 'is not a recognised point-cloud format', {
        fileName: options.fileName,
        offset: 0,
        expected: 'PLY, PCD, XYZ/TXT/CSV, OFF, LAS or LAZ',
      });
  }
}
