import { encodeColumn } from '../column-codec.js';
import { pointCount, validatePointCloud } from '../point-cloud.js';
import { plyTypeName, SCALAR_SIZE } from '../scalar-types.js';
import { ascii } from '../text/latin1.js';
import type { PointCloud } from '../types.js';
import { formatRows, pointColumns } from '../write/point-columns.js';
import type { PlyEncoding } from './ply-header.js';

/**
 * Options for {@link writePly}.
 *
 * @example
 * ```ts
 * writePly(cloud, { format: 'binary_big_endian', comments: ['scanned 2024-05-01'] });
 * ```
 */
export interface PlyWriteOptions {
  /** Default `binary_little_endian`. */
  format?: PlyEncoding;
  /** Extra `comment` lines. */
  comments?: string[];
}

/**
 * Writes a PLY file: a `vertex` element with x/y/z, nx/ny/nz, red/green/blue[/alpha] (uchar for
 * Uint8Array colours, float for Float32Array), intensity, label and every field with its own type;
 * plus a `face` element (`list uchar uint vertex_indices`) when the cloud has faces.
 * ASCII floats are written with the fewest digits that read back to the same float32.
 *
 * @example
 * ```ts
 * import { writePly, readPly } from '@heed/pointcloud-io';
 * const bytes = writePly(cloud, { format: 'ascii' });
 * const { cloud: again } = readPly(bytes);
 * ```
 */
export function writePly(cloud: PointCloud, options: PlyWriteOptions = {}): Uint8Array {
  validatePointCloud(cloud, 'writePly');
  const format = options.format ?? 'binary_little_endian';
  const n = pointCount(cloud);
  const cols = pointColumns(cloud, { normals: ['nx', 'ny', 'nz'], colors: true });
  const faces = cloud.faces;
  const nf = faces ? faces.length / 3 : 0;
  const head = ['ply', `format ${format} 1.0`, 'comment written by @heed/pointcloud-io', ...(options.comments ?? []).map((c) => `comment ${c.replace(/[\r\n]+/g, ' ')}`), `element vertex ${n}`];
  for (const c of cols) head.push(`property ${plyTypeName(c.type)} ${c.name}`);
  if (faces) head.push(`element face ${nf}`, 'property list uchar uint vertex_indices');
  head.push('end_header', '');
  const header = ascii(head.join('\n'));

  if (format === 'ascii') {
    const lines = formatRows(cloud, cols, ' ');
    for (let f = 0; f < nf; f++) lines.push(`3 ${faces![3 * f]} ${faces![3 * f + 1]} ${faces![3 * f + 2]}`);
    const body = ascii(lines.length > 0 ? `${lines.join('\n')}\n` : '');
    const out = new Uint8Array(header.length + body.length);
    out.set(header);
    out.set(body, header.length);
    return out;
  }

  const le = format === 'binary_little_endian';
  const row = cols.reduce((s, c) => s + SCALAR_SIZE[c.type], 0);
  const out = new Uint8Array(header.length + n * row + nf * 13);
  out.set(header);
  const view = new DataView(out.buffer);
  let col = header.length;
  for (const c of cols) {
    encodeColumn(view, c.type, le, col, row, n, c.array, c.offset, c.stride);
    col += SCALAR_SIZE[c.type];
  }
  let p = header.length + n * row;
  for (let f = 0; f < nf; f++, p += 13) {
    view.setUint8(p, 3);
    view.setUint32(p + 1, faces![3 * f], le);
    view.setUint32(p + 5, faces![3 * f + 1], le);
    view.setUint32(p + 9, faces![3 * f + 2], le);
  }
  return out;
}
