import { PointCloudError } from '../errors.js';
import { colorChannels, computeBounds, pointCount, validatePointCloud } from '../point-cloud.js';
import { ascii } from '../text/latin1.js';
import type { PointCloud } from '../types.js';
import { LAS_RECORD_SIZE } from './las-header.js';

/**
 * Options for {@link writeLas}.
 *
 * @example
 * ```ts
 * writeLas(cloud, { version: '1.4', scale: [0.001, 0.001, 0.001] });
 * ```
 */
export interface LasWriteOptions {
  /** `1.2` (point format 0, or 2 with colours; default) or `1.4` (format 6, or 7 with colours). */
  version?: '1.2' | '1.4';
  /** Quantisation step per axis; default: the power of ten that fits the extent in ±2·10⁹ steps. */
  scale?: [number, number, number];
  /** Default: the centre of the bounds, rounded to the scale. */
  offset?: [number, number, number];
}

/**
 * The power of ten that fits the extent in ±2·10⁹ steps, and is no finer than 2⁻³⁰ of the largest
 * coordinate (already finer than float32, and keeps the double arithmetic of offsets exact enough).
 */
function autoScale(halfExtent: number, maxAbs: number): number {
  const raw = Math.max(halfExtent / 2e9, maxAbs * 2 ** -30, 1e-30);
  return 10 ** Math.ceil(Math.log10(raw));
}

/**
 * Writes an uncompressed LAS file (no VLRs): positions quantised with scale and offset,
 * intensity (clamped to 0–65535), labels as classification, colours widened to 16 bits, every
 * point "return 1 of 1". This package cannot write LAZ (laz-perf only decompresses).
 *
 * @example
 * ```ts
 * import { writeLas, readLas } from '@heed/pointcloud-io';
 * const bytes = writeLas(cloud, { version: '1.4' });
 * const { cloud: again } = await readLas(bytes);
 * ```
 */
export function writeLas(cloud: PointCloud, options: LasWriteOptions = {}): Uint8Array {
  validatePointCloud(cloud, 'writeLas');
  const v14 = options.version === '1.4';
  const n = pointCount(cloud);
  const ch = colorChannels(cloud);
  const format = v14 ? (ch ? 7 : 6) : ch ? 2 : 0;
  const len = LAS_RECORD_SIZE[format];
  const headerSize = v14 ? 375 : 227;
  if (!v14 && n > 0xffffffff) throw new PointCloudError('invalid-argument', `LAS 1.2 holds at most 2^32-1 points, got ${n}; write 1.4`);
  const b = computeBounds(cloud.positions);
  const scale = options.scale ?? ([0, 1, 2].map((k) => autoScale((b.max[k] - b.min[k]) / 2, Math.max(Math.abs(b.min[k]), Math.abs(b.max[k])))) as [number, number, number]);
  const offset = options.offset ?? ([0, 1, 2].map((k) => Math.round((b.max[k] + b.min[k]) / 2 / scale[k]) * scale[k]) as [number, number, number]);
  const out = new Uint8Array(headerSize + n * len);
  const dv = new DataView(out.buffer);
  out.set(ascii('LASF'));
  dv.setUint8(24, 1);
  dv.setUint8(25, v14 ? 4 : 2);
  out.set(ascii('heed'), 26);
  out.set(ascii('@heed/pointcloud-io'), 58);
  dv.setUint16(94, headerSize, true);
  dv.setUint32(96, headerSize, true);
  dv.setUint32(100, 0, true);
  dv.setUint8(104, format);
  dv.setUint16(105, len, true);
  const legacy = format < 6 ? n : 0;
  dv.setUint32(107, legacy, true);
  dv.setUint32(111, legacy, true); // points by return: all first returns
  for (let k = 0; k < 3; k++) {
    dv.setFloat64(131 + 8 * k, scale[k], true);
    dv.setFloat64(155 + 8 * k, offset[k], true);
    dv.setFloat64(179 + 16 * k, b.max[k], true);
    dv.setFloat64(187 + 16 * k, b.min[k], true);
  }
  if (v14) {
    dv.setBigUint64(247, BigInt(n), true);
    dv.setBigUint64(255, BigInt(n), true);
  }
  const p = cloud.positions;
  const c = cloud.colors;
  const rgbAt = format === 2 ? 20 : 30;
  const to16 = (val: number): number => (c instanceof Uint8Array ? val * 257 : Math.max(0, Math.min(65535, Math.round(val * 65535))));
  for (let i = 0, at = headerSize; i < n; i++, at += len) {
    for (let k = 0; k < 3; k++) {
      const q = Math.round((p[3 * i + k] - offset[k]) / scale[k]);
      if (!(q >= -2147483648 && q <= 2147483647)) {
        throw new PointCloudError('invalid-argument', `writeLas: point ${i} does not fit in 32 bits with scale ${scale[k]} and offset ${offset[k]}`);
      }
      dv.setInt32(at + 4 * k, q, true);
    }
    dv.setUint16(at + 12, Math.max(0, Math.min(65535, Math.round(cloud.intensity?.[i] ?? 0))), true);
    dv.setUint8(at + 14, format < 6 ? 0x09 : 0x11);
    if (format < 6) dv.setUint8(at + 15, (cloud.labels?.[i] ?? 0) & 0x1f);
    else dv.setUint8(at + 16, (cloud.labels?.[i] ?? 0) & 0xff);
    if (c && ch) for (let k = 0; k < 3; k++) dv.setUint16(at + rgbAt + 2 * k, to16(c[ch * i + k]), true);
  }
  return out;
}
