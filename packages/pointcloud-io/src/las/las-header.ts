import { ByteReader } from '../byte-reader.js';
import type { ParseContext } from '../context.js';
import { latin1 } from '../text/latin1.js';

/** Size of a point record in each point data record format (PDRF), before extra bytes. */
export const LAS_RECORD_SIZE: readonly number[] = [20, 28, 26, 34, 57, 63, 30, 36, 38, 59, 67];

/**
 * Sanity bound for LAZ: at most this many points per compressed byte. Real LiDAR LAZ uses 2–20
 * bytes per point; only degenerate (e.g. constant) data compresses further.
 */
export const LAZ_MAX_POINTS_PER_BYTE = 16;

/** The facts of a LAS/LAZ public header block (versions 1.0–1.4) this package uses. */
export interface LasHeader {
  versionMajor: number;
  versionMinor: number;
  headerSize: number;
  pointOffset: number;
  vlrCount: number;
  /** Point data record format 0–10 (compression bits removed). */
  pointFormat: number;
  compressed: boolean;
  recordLength: number;
  /** Point count: the 64-bit count for LAS 1.4, else the legacy 32-bit one. */
  count: number;
  legacyCount: number;
  scale: [number, number, number];
  offset: [number, number, number];
  min: [number, number, number];
  max: [number, number, number];
  systemId: string;
  software: string;
  /** User ids / record ids of the VLRs (e.g. `copc`/1, `laszip encoded`/22204). */
  vlrs: { userId: string; recordId: number; length: number }[];
  copc: boolean;
}

function cleanText(bytes: Uint8Array): string {
  return latin1(bytes).replace(/\0.*$/s, '').replace(/[^\x20-\x7e]/g, '').trim();
}

/**
 * Parses and validates a LAS/LAZ header: version 1.0–1.4, PDRF 0–10, record length at least the
 * format's size, 64-bit point counts (LAS 1.4 / COPC, where the legacy count is 0), finite
 * non-zero scales, and VLR headers (to recognise COPC).
 */
export function parseLasHeader(bytes: Uint8Array, ctx: ParseContext): LasHeader {
  const r = new ByteReader(bytes, ctx, true);
  const site = { element: 'header' };
  if (bytes.byteLength < 4 || latin1(bytes, 0, 4) !== 'LASF') throw ctx.error('bad-header', 'does not start with "LASF"', { offset: 0 });
  r.ensure(227, site);
  r.offset = 24;
  const versionMajor = r.u8(site);
  const versionMinor = r.u8(site);
  if (versionMajor !== 1 || versionMinor > 4) throw ctx.error('unsupported', `LAS version ${versionMajor}.${versionMinor} is not supported`, { ...site, offset: 24, expected: '1.0 to 1.4' });
  const systemId = cleanText(bytes.subarray(26, 58));
  const software = cleanText(bytes.subarray(58, 90));
  r.offset = 94;
  const headerSize = r.u16({ ...site, field: 'header size' });
  const pointOffset = r.u32({ ...site, field: 'offset to point data' });
  const vlrCount = r.u32({ ...site, field: 'number of VLRs' });
  const rawFormat = r.u8({ ...site, field: 'point data format' });
  const recordLength = r.u16({ ...site, field: 'point data record length' });
  const legacyCount = r.u32({ ...site, field: 'legacy point count' });
  const pointFormat = rawFormat & 0x3f;
  const compressed = (rawFormat & 0xc0) !== 0;
  if (headerSize < 227 || headerSize > bytes.byteLength) {
    throw ctx.error('bad-header', `header size ${headerSize} is out of range`, { ...site, field: 'header size', offset: 94, expected: `227 to ${bytes.byteLength}` });
  }
  if (pointOffset < headerSize || pointOffset > bytes.byteLength) {
    throw ctx.error('bad-header', `offset to point data ${pointOffset} is out of range`, { ...site, field: 'offset to point data', offset: 96, expected: `${headerSize} to ${bytes.byteLength}` });
  }
  if (pointFormat > 10) throw ctx.error('unsupported', `point data record format ${pointFormat} is not supported`, { ...site, offset: 104, expected: '0 to 10' });
  if (recordLength < LAS_RECORD_SIZE[pointFormat]) {
    throw ctx.error('bad-header', `record length ${recordLength} is shorter than format ${pointFormat} needs`, { ...site, field: 'point data record length', offset: 105, expected: `at least ${LAS_RECORD_SIZE[pointFormat]}` });
  }
  r.offset = 131;
  const f3 = (field: string): [number, number, number] => [r.f64({ ...site, field }), r.f64({ ...site, field }), r.f64({ ...site, field })];
  const scale = f3('scale');
  const offset = f3('offset');
  if (!scale.every((s) => Number.isFinite(s) && s !== 0) || !offset.every(Number.isFinite)) {
    throw ctx.error('bad-header', `scale ${scale.join(',')} / offset ${offset.join(',')} are not finite non-zero numbers`, { ...site, offset: 131 });
  }
  const mm = [r.f64(), r.f64(), r.f64(), r.f64(), r.f64(), r.f64()];
  let count = legacyCount;
  if (versionMinor >= 4 && headerSize >= 255) {
    r.offset = 247;
    const count64 = r.u64({ ...site, field: 'number of point records' });
    if (count64 > 0 || legacyCount === 0) count = count64;
  }
  // VLR headers (54 bytes each) lie between the header and the point data.
  ctx.checkCount(vlrCount, { what: 'VLRs', element: 'VLR', offset: headerSize, minBytesEach: 54, available: pointOffset - headerSize });
  const vlrs: LasHeader['vlrs'] = [];
  r.offset = headerSize;
  for (let i = 0; i < vlrCount && r.offset + 54 <= pointOffset; i++) {
    r.skip(2, { element: 'VLR' });
    const userId = cleanText(r.take(16, { element: 'VLR' }));
    const recordId = r.u16({ element: 'VLR' });
    const length = r.u16({ element: 'VLR' });
    r.skip(32, { element: 'VLR' });
    vlrs.push({ userId, recordId, length });
    if (r.offset + length > pointOffset) break;
    r.offset += length;
  }
  return {
    versionMajor, versionMinor, headerSize, pointOffset, vlrCount, pointFormat, compressed, recordLength, count, legacyCount, scale, offset,
    max: [mm[0], mm[2], mm[4]],
    min: [mm[1], mm[3], mm[5]],
    systemId, software, vlrs,
    copc: vlrs[0]?.userId === 'copc' && vlrs[0]?.recordId === 1,
  };
}
