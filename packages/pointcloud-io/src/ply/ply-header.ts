import type { ParseContext } from '../context.js';
import { plyScalarType, SCALAR_SIZE, type ScalarType } from '../scalar-types.js';
import { readHeaderLines } from '../text/header-lines.js';

/** The three PLY encodings. */
export type PlyEncoding = 'ascii' | 'binary_little_endian' | 'binary_big_endian';

/** A PLY property: a scalar, or a list with a count type and an item type. */
export type PlyProperty =
  | { name: string; kind: 'scalar'; type: ScalarType }
  | { name: string; kind: 'list'; countType: ScalarType; itemType: ScalarType };

/** A PLY element declaration. */
export interface PlyElement {
  name: string;
  count: number;
  properties: PlyProperty[];
  /** Byte offset of the `element` line (for messages). */
  offset: number;
}

/** A parsed PLY header. */
export interface PlyHeader {
  encoding: PlyEncoding;
  version: string;
  elements: PlyElement[];
  comments: string[];
  objInfo: string[];
  /** First byte of the body. */
  dataOffset: number;
  /** Line number of the body's first line (for ASCII messages). */
  dataLine: number;
}

/**
 * Parses a PLY header (`ply` … `end_header`), accepting the standard and sized type names and
 * the non-standard ones seen in the wild. Counts are validated as integers here and against the
 * body size by the reader.
 */
export function parsePlyHeader(bytes: Uint8Array, ctx: ParseContext): PlyHeader {
  if (!(bytes[0] === 0x70 && bytes[1] === 0x6c && bytes[2] === 0x79 && (bytes[3] === 10 || bytes[3] === 13))) {
    throw ctx.error('bad-header', 'does not start with the "ply" magic line', { offset: 0, expected: '"ply\\n"' });
  }
  const { lines, dataOffset } = readHeaderLines(bytes, ctx, (t) => t === 'end_header', 'end_header');
  const header: PlyHeader = { encoding: 'ascii', version: '1.0', elements: [], comments: [], objInfo: [], dataOffset, dataLine: lines.length + 1 };
  let sawFormat = false;
  for (const { text, offset, line } of lines.slice(1, -1)) {
    if (text === '') continue;
    const words = text.split(/\s+/);
    const where = { offset, line };
    switch (words[0]) {
      case 'format': {
        const enc = words[1];
        if (enc !== 'ascii' && enc !== 'binary_little_endian' && enc !== 'binary_big_endian') {
          throw ctx.error('bad-header', `unknown format "${enc}"`, { ...where, expected: 'ascii, binary_little_endian or binary_big_endian' });
        }
        header.encoding = enc;
        header.version = words[2] ?? '1.0';
        sawFormat = true;
        break;
      }
      case 'comment':
        header.comments.push(text.slice(7).trim());
        break;
      case 'obj_info':
        header.objInfo.push(text.slice(8).trim());
        break;
      case 'element': {
        if (words.length < 3) throw ctx.error('bad-header', `malformed element line "${text}"`, { ...where, expected: 'element <name> <count>' });
        const count = Number(words[2]);
        if (!/^\+?\d+$/.test(words[2]) || !Number.isSafeInteger(count)) {
          throw ctx.error('bad-header', `count "${words[2]}" is not a non-negative integer`, { ...where, element: words[1] });
        }
        header.elements.push({ name: words[1], count, properties: [], offset });
        break;
      }
      case 'property': {
        const el = header.elements[header.elements.length - 1];
        if (!el) throw ctx.error('bad-header', 'property before any element', where);
        el.properties.push(parseProperty(words, ctx, { ...where, element: el.name }));
        break;
      }
      default:
        ctx.warn(`ignored unknown PLY header line ${line}: "${text.slice(0, 60)}"`);
    }
  }
  if (!sawFormat) throw ctx.error('bad-header', 'has no "format" line', { offset: 0 });
  return header;
}

function parseProperty(words: string[], ctx: ParseContext, where: { offset: number; line: number; element: string }): PlyProperty {
  const type = (name: string | undefined, field: string): ScalarType => {
    const t = name === undefined ? undefined : plyScalarType(name);
    if (!t) throw ctx.error('bad-header', `unknown property type "${name}"`, { ...where, field, expected: 'a PLY type such as uchar, int, float, float32, double' });
    return t;
  };
  if (words[1] === 'list') {
    const name = words[4];
    if (name === undefined) throw ctx.error('bad-header', `malformed list property "${words.join(' ')}"`, { ...where, expected: 'property list <count type> <item type> <name>' });
    const countType = type(words[2], name);
    if (countType.startsWith('float')) throw ctx.error('bad-header', `list count type "${words[2]}" is not an integer type`, { ...where, field: name });
    return { name, kind: 'list', countType, itemType: type(words[3], name) };
  }
  const name = words[2];
  if (name === undefined) throw ctx.error('bad-header', `malformed property "${words.join(' ')}"`, { ...where, expected: 'property <type> <name>' });
  return { name, kind: 'scalar', type: type(words[1], name) };
}

/** Fewest bytes one row of `el` can take in the given encoding (lists may be empty). */
export function minRowBytes(el: PlyElement, encoding: PlyEncoding): number {
  let n = 0;
  for (const p of el.properties) {
    if (encoding === 'ascii') n += 2; // one digit and one separator
    else n += SCALAR_SIZE[p.kind === 'list' ? p.countType : p.type];
  }
  return n;
}

/** Row size when every property is a scalar, else undefined. */
export function fixedRowBytes(el: PlyElement): number | undefined {
  let n = 0;
  for (const p of el.properties) {
    if (p.kind === 'list') return undefined;
    n += SCALAR_SIZE[p.type];
  }
  return n;
}
