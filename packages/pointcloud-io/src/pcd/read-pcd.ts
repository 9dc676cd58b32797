import { ByteReader } from '../byte-reader.js';
import { ParseContext } from '../context.js';
import { decodeColumn } from '../column-codec.js';
import { finalizeCloud } from '../finalize.js';
import { PointAssembler, type ColumnSpec } from '../point-assembler.js';
import { latin1 } from '../text/latin1.js';
import { TextScanner } from '../text/text-scanner.js';
import type { ReadOptions, ReadResult } from '../types.js';
import { toBytes, type BinaryInput } from '../util/to-bytes.js';
import { detectCompressedLayout, type PcdCompressedLayout } from './compressed-layout.js';
import { LZF_MAX_RATIO, lzfDecompress } from './lzf.js';
import { parsePcdHeader, type PcdHeader } from './pcd-header.js';

interface Column {
  spec: ColumnSpec;
  /** Byte offset of this component inside a binary row. */
  rowOffset: number;
  /** Byte offset of this component's first value inside the decompressed (column-major) block. */
  blockOffset: number;
  /** Bytes between two points' values inside the decompressed block. */
  blockStride: number;
}

/** One column per field component (`name`, or `name_0`, `name_1`… when COUNT > 1). */
function columnsOf(h: PcdHeader, binary: boolean): Column[] {
  const out: Column[] = [];
  let row = 0;
  let block = 0;
  for (const f of h.fields) {
    const packed = f.size === 4 && f.count === 1 && (f.name === 'rgb' || f.name === 'rgba') ? f.name : undefined;
    for (let c = 0; c < f.count; c++) {
      out.push({
        spec: {
          name: f.count > 1 ? `${f.name}_${c}` : f.name,
          // Packed colours are raw bits in binary data: decode them as uint32 so no NaN payload is lost.
          type: packed && binary ? 'uint32' : f.scalar,
          packedColor: packed,
          skip: f.name === '_',
        },
        rowOffset: row + c * f.size,
        blockOffset: block + c * f.size,
        blockStride: f.size * f.count,
      });
    }
    row += f.size * f.count;
    block += f.size * f.count * h.points;
  }
  return out;
}

/**
 * Reads a PCD file: ascii, binary or binary_compressed (LZF), header versions .5 to 0.7.
 * x/y/z, normal_x/y/z, packed `rgb`/`rgba`, intensity and label map to the cloud; every other
 * field (each component of a COUNT > 1 field as `name_i`) is kept in `fields`. Trailing bytes after
 * the data are tolerated with a warning.
 *
 * @example
 * ```ts
 * import { readPcd } from '@heed/pointcloud-io';
 * const { cloud } = readPcd(arrayBuffer, { fileName: 'scan.pcd' });
 * console.log(cloud.variant, cloud.positions.length / 3, cloud.metadata?.viewpoint);
 * ```
 */
export function readPcd(input: BinaryInput, options: ReadOptions = {}): ReadResult {
  const ctx = new ParseContext('pcd', options);
  return ctx.guard(() => readPcdWith(ctx, input));
}

function readPcdWith(ctx: ParseContext, input: BinaryInput): ReadResult {
  const bytes = toBytes(input, ctx.fileName);
  ctx.checkInputSize(bytes.byteLength);
  const h = parsePcdHeader(bytes, ctx);
  const available = bytes.byteLength - h.dataOffset;
  const n = h.points;
  const columns = columnsOf(h, h.encoding !== 'ascii');
  const valuesPerPoint = columns.length;
  const site = { element: 'DATA', offset: h.dataOffset };
  if (h.encoding === 'ascii') {
    ctx.checkCount(n, { what: 'points', ...site, minBytesEach: 2 * valuesPerPoint, available, isPoints: true });
  } else if (h.encoding === 'binary') {
    ctx.checkCount(n, { what: 'points', ...site, minBytesEach: h.rowBytes, available, isPoints: true });
  } else {
    ctx.checkCount(n, { what: 'points', ...site, minBytesEach: 0, available, isPoints: true });
  }

  let block: Uint8Array | undefined;
  let layout: PcdCompressedLayout = 'columns';
  if (h.encoding === 'binary_compressed') {
    const r = new ByteReader(bytes, ctx, true, h.dataOffset);
    const compressed = r.u32({ element: 'DATA', field: 'compressed size' });
    const uncompressed = r.u32({ element: 'DATA', field: 'uncompressed size' });
    const expected = n * h.rowBytes;
    if (uncompressed !== expected) {
      throw ctx.error('corrupt', `uncompressed size ${uncompressed} does not match ${n} points × ${h.rowBytes} bytes`, { ...site, expected: `${expected}` });
    }
    if (compressed > r.remaining) {
      throw ctx.error('truncated', `compressed size ${compressed} is more than the ${r.remaining} bytes present`, { element: 'DATA', offset: r.offset });
    }
    if (uncompressed > compressed * LZF_MAX_RATIO) {
      throw ctx.error('corrupt', `uncompressed size ${uncompressed} is more than LZF can expand ${compressed} bytes to`, { element: 'DATA', offset: r.offset });
    }
    const start = r.offset;
    block = expected === 0 ? new Uint8Array(0) : lzfDecompress(bytes.subarray(start, start + compressed), uncompressed, ctx, start);
    if (start + compressed < bytes.byteLength) ctx.warn(`ignored ${bytes.byteLength - start - compressed} bytes after the compressed data`);
    layout = ctx.pcdCompressedLayout !== 'auto' ? ctx.pcdCompressedLayout : detectCompressedLayout(
      block,
      columns.filter((c) => !c.spec.skip).map((c) => ({ name: c.spec.name, type: c.spec.type, colStart: c.blockOffset, colStride: c.blockStride, rowStart: c.rowOffset, rowStride: h.rowBytes })),
      n,
    );
    if (layout === 'rows') ctx.warn('binary_compressed data is stored point by point (as pcd-rs writes it), not field by field as PCL does; read it that way');
  }

  const asm = new PointAssembler(columns.map((c) => c.spec), n, ctx);
  if (h.encoding === 'ascii') {
    const s = new TextScanner(latin1(bytes, h.dataOffset), ctx, h.dataOffset, h.dataLine);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < valuesPerPoint; c++) {
        const v = s.number({ element: 'DATA', field: columns[c].spec.name });
        const sink = asm.sinks[c];
        if (sink) sink.array[sink.offset + i * sink.stride] = v;
      }
    }
    if (!s.atEnd()) ctx.warn(`ignored text after point ${n} (from byte ${s.offset})`);
  } else {
    const data = block ?? bytes;
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    columns.forEach((c, k) => {
      const sink = asm.sinks[k];
      if (!sink) return;
      if (block && layout === 'columns') decodeColumn(view, c.spec.type, true, c.blockOffset, c.blockStride, n, sink.array, sink.offset, sink.stride);
      else decodeColumn(view, c.spec.type, true, (block ? 0 : h.dataOffset) + c.rowOffset, h.rowBytes, n, sink.array, sink.offset, sink.stride);
    });
    const extra = available - n * h.rowBytes;
    if (!block && extra > 0) ctx.warn(`ignored ${extra} bytes after the point data`);
  }
  const cloud = asm.finish();
  cloud.format = 'pcd';
  cloud.variant = h.encoding;
  cloud.metadata = { version: h.version, ...(block ? { compressedLayout: layout } : {}), width: h.width, height: h.height, viewpoint: h.viewpoint, fields: h.fields.map((f) => ({ name: f.name, size: f.size, type: f.type, count: f.count })) };
  return finalizeCloud(cloud, ctx);
}
