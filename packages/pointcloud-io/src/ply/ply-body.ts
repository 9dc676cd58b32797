import type { ByteReader } from '../byte-reader.js';
import type { ParseContext } from '../context.js';
import { decodeColumn, readScalar } from '../column-codec.js';
import type { FaceCollector } from '../mesh/face-collector.js';
import type { ColumnSink } from '../point-assembler.js';
import { SCALAR_SIZE } from '../scalar-types.js';
import type { TextScanner } from '../text/text-scanner.js';
import { fixedRowBytes, type PlyElement } from './ply-header.js';

/** Where each property of an element goes: a column sink, a face collector, or nowhere. */
export type PlyTarget = ColumnSink | FaceCollector | undefined;

function isSink(t: PlyTarget): t is ColumnSink {
  return t !== undefined && 'array' in t;
}

/**
 * Reads one element of a binary PLY body. Fixed-size rows are checked once against the bytes
 * left and decoded column by column; rows with lists are read through the bounded reader.
 */
export function readBinaryElement(r: ByteReader, el: PlyElement, targets: PlyTarget[], ctx: ParseContext): void {
  if (el.count === 0 || el.properties.length === 0) return;
  const stride = fixedRowBytes(el);
  if (stride !== undefined) {
    const total = el.count * stride;
    if (total > r.remaining) {
      throw ctx.error('truncated', `${el.count} rows of ${stride} bytes need ${total} bytes but only ${r.remaining} remain`, { element: el.name, offset: r.offset });
    }
    let col = r.offset;
    el.properties.forEach((p, i) => {
      const t = targets[i];
      if (p.kind === 'scalar') {
        if (isSink(t)) decodeColumn(r.view, p.type, r.littleEndian, col, stride, el.count, t.array, t.offset, t.stride);
        col += SCALAR_SIZE[p.type];
      }
    });
    r.offset += total;
    return;
  }
  const le = r.littleEndian;
  const view = r.view;
  for (let row = 0; row < el.count; row++) {
    for (let i = 0; i < el.properties.length; i++) {
      const p = el.properties[i];
      const t = targets[i];
      if (p.kind === 'scalar') {
        const v = r.read(p.type, { element: el.name, field: p.name });
        if (isSink(t)) t.array[t.offset + row * t.stride] = v;
        continue;
      }
      const at = r.offset;
      const n = r.read(p.countType, { element: el.name, field: p.name });
      if (n < 0) throw ctx.error('bad-value', `list length ${n} in row ${row} is negative`, { element: el.name, field: p.name, offset: at });
      const size = SCALAR_SIZE[p.itemType];
      r.ensure(n * size, { element: el.name, field: p.name });
      if (t && !isSink(t)) {
        t.begin();
        for (let k = 0, o = r.offset; k < n; k++, o += size) t.item(readScalar(view, o, p.itemType, le), o);
        t.end();
      }
      r.offset += n * size;
    }
  }
}

/** Reads one element of an ASCII PLY body as a token stream (line breaks are not significant). */
export function readAsciiElement(s: TextScanner, el: PlyElement, targets: PlyTarget[], ctx: ParseContext): void {
  if (el.properties.length === 0) return;
  for (let row = 0; row < el.count; row++) {
    for (let i = 0; i < el.properties.length; i++) {
      const p = el.properties[i];
      const t = targets[i];
      const site = { element: el.name, field: p.name };
      if (p.kind === 'scalar') {
        const v = s.number(site);
        if (isSink(t)) t.array[t.offset + row * t.stride] = v;
        continue;
      }
      const n = s.count(site);
      if (n * 2 > s.remainingChars) {
        throw ctx.error('truncated', `list length ${n} in row ${row} is longer than the text left`, { ...site, ...s.lastToken });
      }
      if (t && !isSink(t)) {
        t.begin();
        for (let k = 0; k < n; k++) t.item(s.number(site), s.lastToken.offset);
        t.end();
      } else {
        for (let k = 0; k < n; k++) s.number(site);
      }
    }
  }
}
