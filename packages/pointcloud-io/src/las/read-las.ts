import { ParseContext } from '../context.js';
import { finalizeCloud } from '../finalize.js';
import type { PointCloud, ReadOptions, ReadResult } from '../types.js';
import { toBytes, type BinaryInput } from '../util/to-bytes.js';
import { LAZ_MAX_POINTS_PER_BYTE, parseLasHeader } from './las-header.js';
import { decodeLasRecords, type LasColumns } from './las-records.js';
import { decompressLaz } from './laz-perf-decoder.js';
import { decodeWithLoadersGl, loadersGlCanRead, loadersGlPreferred } from './loaders-gl-las.js';

/**
 * Reads LAS and LAZ 1.0–1.4 (point formats 0–10, COPC included): positions with scale and offset
 * applied, intensity, classification as `labels`, RGB as 8-bit `colors`. The header is parsed and
 * validated here (64-bit point counts, counts against the bytes present); the points are decoded
 * by loaders.gl for uncompressed LAS ≤ 1.3 with formats 0–3, and by this package's record decoder
 * otherwise, with laz-perf decompressing LAZ (loaders.gl's older bundled laz-perf returns garbage
 * instead of failing on truncated LAZ, and refuses LAZ 1.4). `options.lasDecoder` overrides the
 * choice (`loaders.gl` reads LAZ ≤ 1.3 too).
 *
 * @example
 * ```ts
 * import { readLas } from '@heed/pointcloud-io';
 * const { cloud } = await readLas(bytes, { fileName: 'lion.copc.laz' });
 * console.log(cloud.variant, cloud.metadata?.decoder, cloud.positions.length / 3);
 * ```
 */
export async function readLas(input: BinaryInput, options: ReadOptions = {}): Promise<ReadResult> {
  const bytes = toBytes(input, options.fileName);
  const compressedFlag = bytes.byteLength > 104 && (bytes[104] & 0xc0) !== 0;
  const ctx = new ParseContext(compressedFlag ? 'laz' : 'las', options);
  ctx.checkInputSize(bytes.byteLength);
  const h = parseLasHeader(bytes, ctx);
  const available = bytes.byteLength - h.pointOffset;
  ctx.checkCount(h.count, {
    what: 'points',
    element: 'points',
    offset: h.pointOffset,
    minBytesEach: h.compressed ? 1 / LAZ_MAX_POINTS_PER_BYTE : h.recordLength,
    available,
    isPoints: true,
  });
  const useLoaders = ctx.lasDecoder === 'loaders.gl' || (ctx.lasDecoder === 'auto' && loadersGlPreferred(h));
  if (useLoaders && !loadersGlCanRead(h)) {
    throw ctx.error('unsupported', `loaders.gl's LAS loader does not read LAS ${h.versionMajor}.${h.versionMinor} with point format ${h.pointFormat}`, { element: 'header' });
  }
  let cols: LasColumns;
  let decoder: string;
  if (h.count === 0) {
    cols = { positions: new Float32Array(0), intensity: new Float32Array(0), labels: new Int32Array(0) };
    decoder = 'none';
  } else if (useLoaders) {
    cols = ctx.guard(() => decodeWithLoadersGl(bytes, h, ctx));
    decoder = 'loaders.gl';
  } else if (h.compressed) {
    const records = await decompressLaz(bytes, h, ctx);
    cols = ctx.guard(() => decodeLasRecords(records, 0, h.count, h));
    decoder = 'builtin+laz-perf';
  } else {
    cols = ctx.guard(() => decodeLasRecords(bytes, h.pointOffset, h.count, h));
    decoder = 'builtin';
  }
  const kind = h.compressed ? 'LAZ' : 'LAS';
  const cloud: PointCloud = {
    positions: cols.positions,
    intensity: cols.intensity,
    labels: cols.labels,
    format: h.compressed ? 'laz' : 'las',
    variant: `${kind} ${h.versionMajor}.${h.versionMinor} PDRF ${h.pointFormat}${h.copc ? ' COPC' : ''}`,
    metadata: {
      version: `${h.versionMajor}.${h.versionMinor}`,
      pointFormat: h.pointFormat,
      recordLength: h.recordLength,
      scale: h.scale,
      offset: h.offset,
      headerBounds: { min: h.min, max: h.max },
      systemId: h.systemId,
      software: h.software,
      copc: h.copc,
      decoder,
    },
  };
  if (cols.colors) cloud.colors = cols.colors;
  return ctx.guard(() => finalizeCloud(cloud, ctx));
}
