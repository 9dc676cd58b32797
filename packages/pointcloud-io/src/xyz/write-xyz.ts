import { validatePointCloud } from '../point-cloud.js';
import { ascii } from '../text/latin1.js';
import type { PointCloud } from '../types.js';
import { formatRows, pointColumns } from '../write/point-columns.js';

/**
 * Options for {@link writeXyz}.
 *
 * @example
 * ```ts
 * writeXyz(cloud, { delimiter: ',', header: 'row' });
 * ```
 */
export interface XyzWriteOptions {
  /** Value separator: `' '` (default) or `','` (CSV). */
  delimiter?: ' ' | ',';
  /**
   * Column names: as a `# x y z …` comment (default; other XYZ readers skip it, this package reads
   * it back), as a plain first row, or not at all (readers then guess from the column count).
   */
  header?: 'comment' | 'row' | 'none';
  /** Only write x y z. */
  positionsOnly?: boolean;
}

/**
 * Writes XYZ / CSV text: x y z, then nx ny nz, red green blue [alpha], intensity, label and every
 * field, one point per line, floats with the fewest digits that read back to the same float32.
 *
 * @example
 * ```ts
 * import { writeXyz } from '@heed/pointcloud-io';
 * const csv = new TextDecoder().decode(writeXyz(cloud, { delimiter: ',' }));
 * ```
 */
export function writeXyz(cloud: PointCloud, options: XyzWriteOptions = {}): Uint8Array {
  validatePointCloud(cloud, 'writeXyz');
  const sep = options.delimiter ?? ' ';
  let cols = pointColumns(cloud, { normals: ['nx', 'ny', 'nz'], colors: true });
  if (options.positionsOnly) cols = cols.slice(0, 3);
  const lines = formatRows(cloud, cols, sep);
  const names = cols.map((c) => c.name).join(sep);
  const header = options.header ?? 'comment';
  if (header === 'comment') lines.unshift(`# ${names}`);
  else if (header === 'row') lines.unshift(names);
  return ascii(lines.length > 0 ? `${lines.join('\n')}\n` : '');
}
