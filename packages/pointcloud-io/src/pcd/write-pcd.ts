import { encodeColumn } from '../column-codec.js';
import { colorChannels, pointCount, validatePointCloud } from '../point-cloud.js';
import { pcdTypeOf, SCALAR_SIZE } from '../scalar-types.js';
import { ascii } from '../text/latin1.js';
import type { PointCloud } from '../types.js';
import { formatRows, pointColumns, type OutColumn } from '../write/point-columns.js';
import { lzfCompress } from './lzf.js';
import type { PcdEncoding } from './pcd-header.js';

/**
 * Options for {@link writePcd}.
 *
 * @example
 * ```ts
 * writePcd(cloud, { format: 'ascii', viewpoint: [0, 0, 0, 1, 0, 0, 0] });
 * ```
 */
export interface PcdWriteOptions {
  /** Default `binary`. */
  format?: PcdEncoding;
  /** VIEWPOINT (tx ty tz qw qx qy qz); default identity. */
  viewpoint?: number[];
}

/** PCL packs colours as (a << 24) | (r << 16) | (g << 8) | b; float colours are quantised to bytes. */
function packColors(cloud: PointCloud, n: number): { bits: Uint32Array; name: 'rgb' | 'rgba' } | undefined {
  const ch = colorChannels(cloud);
  const c = cloud.colors;
  if (!c || !ch) return undefined;
  const byte = (v: number): number => (c instanceof Uint8Array ? v : Math.max(0, Math.min(255, Math.round(v * 255))));
  const bits = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const a = ch === 4 ? byte(c[4 * i + 3]) : 0;
    bits[i] = ((a << 24) | (byte(c[ch * i]) << 16) | (byte(c[ch * i + 1]) << 8) | byte(c[ch * i + 2])) >>> 0;
  }
  return { bits, name: ch === 4 ? 'rgba' : 'rgb' };
}

/**
 * Writes a PCD v0.7 file (ascii, binary or binary_compressed with LZF, field by field as PCL
 * does): x y z, normal_x/y/z, colours packed PCL-style (`rgb` as F 4 with alpha 0 for RGB —
 * always finite in ascii — or `rgba` as U 4), intensity, label and every field with its own type.
 * Float32Array colours are quantised to 8 bits.
 *
 * @example
 * ```ts
 * import { writePcd } from '@heed/pointcloud-io';
 * const bytes = writePcd(cloud, { format: 'binary_compressed' });
 * ```
 */
export function writePcd(cloud: PointCloud, options: PcdWriteOptions = {}): Uint8Array {
  validatePointCloud(cloud, 'writePcd');
  const format = options.format ?? 'binary';
  const n = pointCount(cloud);
  const cols = pointColumns(cloud, { normals: ['normal_x', 'normal_y', 'normal_z'], colors: false });
  const packed = packColors(cloud, n);
  // Declared type per column (packed rgb is declared F but its bytes are the uint32 bits).
  const declared = cols.map((c) => pcdTypeOf(c.type));
  if (packed) {
    const at = cloud.normals ? 6 : 3;
    const col: OutColumn = { name: packed.name, type: 'uint32', array: packed.bits, offset: 0, stride: 1 };
    cols.splice(at, 0, col);
    declared.splice(at, 0, { type: packed.name === 'rgb' ? 'F' : 'U', size: 4 });
  }
  const vp = options.viewpoint ?? [0, 0, 0, 1, 0, 0, 0];
  const header = ascii(
    [
      '# .PCD v0.7 - Point Cloud Data file format',
      'VERSION 0.7',
      `FIELDS ${cols.map((c) => c.name).join(' ')}`,
      `SIZE ${declared.map((d) => d.size).join(' ')}`,
      `TYPE ${declared.map((d) => d.type).join(' ')}`,
      `COUNT ${cols.map(() => 1).join(' ')}`,
      `WIDTH ${n}`,
      'HEIGHT 1',
      `VIEWPOINT ${vp.join(' ')}`,
      `POINTS ${n}`,
      `DATA ${format}`,
      '',
    ].join('\n'),
  );

  let body: Uint8Array;
  if (format === 'ascii') {
    const textCols = cols.map((c): OutColumn => (c.array === packed?.bits && packed.name === 'rgb' ? { ...c, type: 'float32', array: new Float32Array(packed.bits.buffer) } : c));
    const lines = formatRows(cloud, textCols, ' ');
    body = ascii(lines.length > 0 ? `${lines.join('\n')}\n` : '');
  } else {
    const row = cols.reduce((s, c) => s + SCALAR_SIZE[c.type], 0);
    const raw = new Uint8Array(n * row);
    const view = new DataView(raw.buffer);
    let at = 0;
    for (const c of cols) {
      const size = SCALAR_SIZE[c.type];
      // binary: interleaved rows; binary_compressed: one block per field (PCL layout).
      if (format === 'binary') encodeColumn(view, c.type, true, at, row, n, c.array, c.offset, c.stride);
      else encodeColumn(view, c.type, true, at * n, size, n, c.array, c.offset, c.stride);
      at += size;
    }
    if (format === 'binary') body = raw;
    else {
      const z = lzfCompress(raw);
      body = new Uint8Array(8 + z.length);
      const dv = new DataView(body.buffer);
      dv.setUint32(0, z.length, true);
      dv.setUint32(4, raw.length, true);
      body.set(z, 8);
    }
  }
  const out = new Uint8Array(header.length + body.length);
  out.set(header);
  out.set(body, header.length);
  return out;
}
