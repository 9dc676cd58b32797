import type { ParseContext } from '../context.js';
import { latin1 } from './latin1.js';

/** One line of a text header, with where it starts. */
export interface HeaderLine {
  text: string;
  /** Byte offset of the line's first byte. */
  offset: number;
  /** 1-based line number. */
  line: number;
}

/**
 * Reads the text header lines of a PLY or PCD file up to and including the line for which
 * `isLast` returns true; lines end with LF, CRLF or CR. `dataOffset` is the first byte after that
 * line's terminator. Throws if no such line occurs in the first `maxHeaderBytes`.
 */
export function readHeaderLines(
  bytes: Uint8Array,
  ctx: ParseContext,
  isLast: (text: string) => boolean,
  lastName: string,
  maxHeaderBytes = 1 << 20,
): { lines: HeaderLine[]; dataOffset: number } {
  const limit = Math.min(bytes.byteLength, maxHeaderBytes);
  const lines: HeaderLine[] = [];
  let start = 0;
  let lineNo = 1;
  while (start < limit) {
    let end = start;
    while (end < limit && bytes[end] !== 10 && bytes[end] !== 13) end++;
    const text = latin1(bytes, start, end).trim();
    lines.push({ text, offset: start, line: lineNo++ });
    let next = end;
    if (next < bytes.byteLength) next += bytes[next] === 13 && bytes[next + 1] === 10 ? 2 : 1;
    if (isLast(text)) return { lines, dataOffset: Math.min(next, bytes.byteLength) };
    if (end >= limit) break;
    start = next;
  }
  throw ctx.error('bad-header', `no "${lastName}" line found in the first ${limit} bytes`, { offset: limit, expected: `a "${lastName}" line ending the header` });
}
