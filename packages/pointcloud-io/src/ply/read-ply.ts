import { ByteReader } from '../byte-reader.js';
import { ParseContext } from '../context.js';
import { finalizeCloud } from '../finalize.js';
import { FaceCollector } from '../mesh/face-collector.js';
import { PointAssembler } from '../point-assembler.js';
import { latin1 } from '../text/latin1.js';
import { TextScanner } from '../text/text-scanner.js';
import type { ReadOptions, ReadResult } from '../types.js';
import { toBytes, type BinaryInput } from '../util/to-bytes.js';
import { readAsciiElement, readBinaryElement, type PlyTarget } from './ply-body.js';
import { minRowBytes, parsePlyHeader, type PlyElement } from './ply-header.js';

const FACE_LISTS = new Set(['vertex_indices', 'vertex_index']);

/**
 * Reads a PLY file (ascii, binary little- or big-endian): the `vertex` element becomes the points
 * (x/y/z, normals, colours, intensity, label; every other scalar property is kept in `fields`),
 * `face` polygons are fan-triangulated and `tristrips` unrolled into `faces`; other elements are
 * skipped. Every element count is checked against the bytes present before anything is allocated.
 *
 * @example
 * ```ts
 * import { readPly } from '@heed/pointcloud-io';
 * const { cloud, warnings } = readPly(arrayBuffer, { fileName: 'bunny.ply' });
 * console.log(cloud.positions.length / 3, cloud.faces?.length, cloud.variant);
 * ```
 */
export function readPly(input: BinaryInput, options: ReadOptions = {}): ReadResult {
  const ctx = new ParseContext('ply', options);
  return ctx.guard(() => readPlyWith(ctx, input));
}

function readPlyWith(ctx: ParseContext, input: BinaryInput): ReadResult {
  const bytes = toBytes(input, ctx.fileName);
  ctx.checkInputSize(bytes.byteLength);
  const header = parsePlyHeader(bytes, ctx);
  const vertex = header.elements.find((e) => e.name === 'vertex');
  if (!vertex) throw ctx.error('bad-header', 'has no "vertex" element', { offset: 0 });

  // Every count against the bytes present, before any allocation.
  const available = bytes.byteLength - header.dataOffset;
  let used = 0;
  for (const el of header.elements) {
    const min = minRowBytes(el, header.encoding);
    ctx.checkCount(el.count, {
      what: el === vertex ? 'vertices' : `"${el.name}" rows`,
      element: el.name,
      offset: header.dataOffset,
      minBytesEach: min,
      available: available - used,
      isPoints: el === vertex,
    });
    used += el.count * min;
  }

  const assembler = new PointAssembler(
    vertex.properties.map((p) => (p.kind === 'scalar' ? { name: p.name, type: p.type } : { name: p.name, type: p.itemType, skip: true })),
    vertex.count,
    ctx,
  );
  if (vertex.properties.some((p) => p.kind === 'list')) ctx.warn('ignored list properties of the vertex element');
  const collectors: FaceCollector[] = [];
  const targetsFor = (el: PlyElement): PlyTarget[] => {
    if (el === vertex) return assembler.sinks;
    const mode = el.name === 'face' ? 'polygon' : el.name === 'tristrips' ? 'strip' : undefined;
    return el.properties.map((p) => {
      if (!mode || p.kind !== 'list' || !FACE_LISTS.has(p.name)) return undefined;
      const c = new FaceCollector(mode, ctx, el.name, el.count * 3);
      collectors.push(c);
      return c;
    });
  };

  if (header.encoding === 'ascii') {
    const scanner = new TextScanner(latin1(bytes, header.dataOffset), ctx, header.dataOffset, header.dataLine);
    for (const el of header.elements) readAsciiElement(scanner, el, targetsFor(el), ctx);
    if (!scanner.atEnd()) ctx.warn(`ignored text after the last element (from byte ${scanner.offset})`);
  } else {
    const reader = new ByteReader(bytes, ctx, header.encoding === 'binary_little_endian', header.dataOffset);
    for (const el of header.elements) readBinaryElement(reader, el, targetsFor(el), ctx);
    if (reader.remaining > 0) ctx.warn(`ignored ${reader.remaining} bytes after the last element`);
  }

  const cloud = assembler.finish();
  if (collectors.length > 0) {
    const parts = collectors.map((c) => c.toArray());
    cloud.faces = parts.length === 1 ? parts[0] : Uint32Array.from(parts.flatMap((p) => Array.from(p)));
  }
  cloud.format = 'ply';
  cloud.variant = header.encoding;
  cloud.metadata = {
    comments: header.comments,
    objInfo: header.objInfo,
    elements: header.elements.map((e) => ({ name: e.name, count: e.count })),
  };
  return finalizeCloud(cloud, ctx);
}
