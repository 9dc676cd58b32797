import type { ReadOptions, ReadResult } from '@heed/pointcloud-io';
import { readPointCloudFile } from '@heed/pointcloud-io/node';

/**
 * Reads a point-cloud file with @heed/pointcloud-io, printing its warnings (dropped NaN points, a
 * misleading extension…) on stderr. A file that cannot be opened is bad input, named in the error.
 */
export async function readCloudFile(path: string, options: ReadOptions = {}): Promise<ReadResult> {
  let result: ReadResult;
  try {
    result = await readPointCloudFile(path, options);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') throw new Error(`${path}: cannot read the file (${code})`);
    throw error;
  }
  for (const warning of result.warnings) process.stderr.write(`heed: warning: ${warning}\n`);
  return result;
}
