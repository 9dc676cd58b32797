import type { ParseContext } from '../context.js';
import { pcdScalarType, type ScalarType } from '../scalar-types.js';
import { readHeaderLines } from '../text/header-lines.js';

/** A PCD field declaration. */
export interface PcdField {
  name: string;
  size: number;
  type: string;
  count: number;
  scalar: ScalarType;
}

/** The three PCD data encodings. */
export type PcdEncoding = 'ascii' | 'binary' | 'binary_compressed';

/** A parsed PCD header (versions .5, .6, .7 / 0.7). */
export interface PcdHeader {
  version: string;
  fields: PcdField[];
  width: number;
  height: number;
  viewpoint?: number[];
  points: number;
  encoding: PcdEncoding;
  /** Bytes per point in the binary layouts. */
  rowBytes: number;
  dataOffset: number;
  dataLine: number;
}

/**
 * Parses a PCD header up to the `DATA` line: `#` comments, missing `COUNT` (v.5), missing
 * `VIEWPOINT`, `POINTS` defaulting to WIDTH×HEIGHT. Sizes, types and counts are validated.
 */
export function parsePcdHeader(bytes: Uint8Array, ctx: ParseContext): PcdHeader {
  const { lines, dataOffset } = readHeaderLines(bytes, ctx, (t) => /^DATA\b/i.test(t), 'DATA');
  const kv = new Map<string, { values: string[]; offset: number; line: number }>();
  for (const { text, offset, line } of lines) {
    if (text === '' || text.startsWith('#')) continue;
    const [key, ...values] = text.split(/\s+/);
    const k = key.toUpperCase();
    if (!['VERSION', 'FIELDS', 'SIZE', 'TYPE', 'COUNT', 'WIDTH', 'HEIGHT', 'VIEWPOINT', 'POINTS', 'DATA'].includes(k)) {
      throw ctx.error('bad-header', `unknown header line "${text.slice(0, 60)}"`, { offset, line, expected: 'VERSION, FIELDS, SIZE, TYPE, COUNT, WIDTH, HEIGHT, VIEWPOINT, POINTS or DATA' });
    }
    kv.set(k, { values, offset, line });
  }
  const get = (k: string): { values: string[]; offset: number; line: number } | undefined => kv.get(k);
  const int = (k: string, fallback?: number): number => {
    const e = get(k);
    if (!e) {
      if (fallback !== undefined) return fallback;
      throw ctx.error('bad-header', `has no ${k} line`, { offset: 0 });
    }
    const v = Number(e.values[0]);
    if (!/^\+?\d+$/.test(e.values[0] ?? '') || !Number.isSafeInteger(v)) {
      throw ctx.error('bad-header', `${k} "${e.values[0] ?? ''}" is not a non-negative integer`, { offset: e.offset, line: e.line });
    }
    return v;
  };
  const names = get('FIELDS');
  if (!names || names.values.length === 0) throw ctx.error('bad-header', 'has no FIELDS line', { offset: 0 });
  const nf = names.values.length;
  const list = (k: string, fallback?: string): { values: string[]; offset: number; line: number } => {
    const e = get(k) ?? (fallback !== undefined ? { values: new Array<string>(nf).fill(fallback), offset: 0, line: 0 } : undefined);
    if (!e) throw ctx.error('bad-header', `has no ${k} line`, { offset: 0 });
    if (e.values.length !== nf) {
      throw ctx.error('bad-header', `${k} has ${e.values.length} entries but FIELDS has ${nf}`, { offset: e.offset, line: e.line });
    }
    return e;
  };
  const sizes = list('SIZE');
  const types = list('TYPE');
  const counts = list('COUNT', '1');
  const fields = names.values.map((name, i): PcdField => {
    const size = Number(sizes.values[i]);
    const type = types.values[i].toUpperCase();
    const count = Number(counts.values[i]);
    const scalar = pcdScalarType(type, size);
    if (!scalar) throw ctx.error('unsupported', `TYPE ${type} with SIZE ${sizes.values[i]} is not supported`, { field: name, offset: types.offset, line: types.line });
    if (!Number.isSafeInteger(count) || count < 1 || count > 1 << 20) {
      throw ctx.error('bad-header', `COUNT "${counts.values[i]}" is not a positive integer`, { field: name, offset: counts.offset, line: counts.line });
    }
    return { name, size, type, count, scalar };
  });
  const width = int('WIDTH');
  const height = int('HEIGHT', 1);
  const points = int('POINTS', width * height);
  if (points !== width * height) ctx.warn(`POINTS ${points} differs from WIDTH×HEIGHT = ${width * height}; using POINTS`);
  const data = get('DATA')!;
  const encoding = (data.values[0] ?? '').toLowerCase();
  if (encoding !== 'ascii' && encoding !== 'binary' && encoding !== 'binary_compressed') {
    throw ctx.error('unsupported', `DATA "${data.values[0] ?? ''}" is not supported`, { offset: data.offset, line: data.line, expected: 'ascii, binary or binary_compressed' });
  }
  const vp = get('VIEWPOINT')?.values.map(Number);
  return {
    version: get('VERSION')?.values[0] ?? '',
    fields,
    width,
    height,
    viewpoint: vp && vp.length === 7 && vp.every(Number.isFinite) ? vp : undefined,
    points,
    encoding,
    rowBytes: fields.reduce((s, f) => s + f.size * f.count, 0),
    dataOffset,
    dataLine: lines.length + 1,
  };
}
