import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { readPointCloud, type ReadOptions, type ReadResult } from '@heed/pointcloud-io';

/**
 * Reads a point-cloud file from disk with @heed/pointcloud-io, printing its warnings (dropped
 * NaN points, a misleading extension…) on stderr. A missing file is bad input, named in the error.
 */
export async function readCloudFile(path: string, options: ReadOptions = {}): Promise<ReadResult> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new Error(`${path}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const result = await readPointCloud(bytes, { fileName: basename(path), ...options });
  for (const warning of result.warnings) process.stderr.write(`heed: warning: ${warning}\n`);
  return result;
}
