import { ParseContext } from '../context.js';
import { finalizeCloud } from '../finalize.js';
import { columnRole, PointAssembler } from '../point-assembler.js';
import { latin1 } from '../text/latin1.js';
import { parseNumberToken } from '../text/parse-number.js';
import { TextScanner } from '../text/text-scanner.js';
import type { ReadOptions, ReadResult } from '../types.js';
import { Growable } from '../util/growable.js';
import { toBytes, type BinaryInput } from '../util/to-bytes.js';
import { colorColumnsAreBytes, guessColumns, isColumnNameRow } from './xyz-columns.js';

interface Preamble {
  /** Byte offset of the first data line. */
  start: number;
  line: number;
  names?: string[];
  commas: boolean;
}

/** Reads comment lines and an optional header row before the first data line (bounded scan). */
function readPreamble(text: string): Preamble {
  let pos = 0;
  let line = 1;
  let lastComment: string[] | undefined;
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    const raw = text.slice(pos, end).trim();
    const split = (s: string): string[] => s.split(/[\s,;]+/).filter(Boolean);
    if (raw === '' || raw.startsWith('#')) {
      if (raw.startsWith('#')) lastComment = split(raw.slice(1).replace(/^\s*columns?:/i, ''));
    } else {
      const body = raw.startsWith('//') ? raw.slice(2) : raw;
      const tokens = split(body);
      const commas = body.includes(',');
      if (parseNumberToken(tokens[0] ?? '') === undefined) {
        // A header row: data starts on the next line.
        return { start: end + 1, line: line + 1, names: tokens, commas };
      }
      const names = lastComment && isColumnNameRow(lastComment) ? lastComment : undefined;
      return { start: pos, line, names, commas };
    }
    pos = end + 1;
    line++;
  }
  return { start: text.length, line, commas: false };
}

/**
 * Reads XYZ / TXT / CSV point lists: one point per line, values separated by blanks or commas,
 * `#` comments. Columns are named by `options.columns`, a header row (`x,y,z,nx,ny,nz`,
 * CloudCompare's `//X,Y,Z,R,G,B`), a `# x y z …` comment just above the data, or guessed from the
 * column count (see {@link guessColumns}); the names used are in `metadata.columns`.
 *
 * @example
 * ```ts
 * import { readXyz } from '@heed/pointcloud-io';
 * const { cloud } = readXyz(new TextEncoder().encode('0,0,0,0,0,1\n1,0,0,0,0,1\n'), { fileName: 'a.txt' });
 * cloud.normals; // Float32Array [0,0,1, 0,0,1] (ModelNet40 x,y,z,nx,ny,nz layout)
 * ```
 */
export function readXyz(input: BinaryInput, options: ReadOptions = {}): ReadResult {
  const ctx = new ParseContext('xyz', options);
  return ctx.guard(() => readXyzWith(ctx, input));
}

function readXyzWith(ctx: ParseContext, input: BinaryInput): ReadResult {
  const bytes = toBytes(input, ctx.fileName);
  ctx.checkInputSize(bytes.byteLength);
  const text = latin1(bytes);
  const pre = readPreamble(text);
  const s = new TextScanner(text.slice(pre.start), ctx, pre.start, pre.line, { comments: true, commas: pre.commas });
  let k = 0;
  let rows = 0;
  const values = new Growable(Float64Array, 3 * 1024);
  while (s.seekLine()) {
    if (rows === 0) {
      while (!s.atLineEnd()) {
        values.push(s.numberOnLine({ element: 'point 0' }));
        k++;
      }
    } else {
      for (let c = 0; c < k; c++) values.push(s.numberOnLine({ element: `point ${rows}`, expected: `${k} values per line, like the first data line` }));
      if (!s.atLineEnd()) {
        throw ctx.error('bad-value', `line has more than ${k} values`, { element: `point ${rows}`, offset: s.offset, line: s.line, expected: `${k} values per line, like the first data line` });
      }
    }
    rows++;
    if (rows > ctx.maxPoints) throw ctx.error('limit', `more than maxPoints = ${ctx.maxPoints} points`, { offset: s.offset, line: s.line });
    s.endLine();
  }
  if (rows > 0 && k < 3) throw ctx.error('bad-value', `the first data line has ${k} values`, { line: pre.line, offset: pre.start, expected: 'at least x y z' });
  const data = values.toArray();
  let names = ctx.columns ?? pre.names;
  if (names && names.length !== k && rows > 0) {
    throw ctx.error(ctx.columns ? 'invalid-argument' : 'bad-header', `${names.length} column names for ${k} columns`, { line: pre.line });
  }
  names ??= guessColumns(data, rows, k);
  const colorCols = names.map((n, c) => (columnRole(n)?.slot === 'colors' ? c : -1)).filter((c) => c >= 0);
  const byteColors = colorColumnsAreBytes(data, rows, k, colorCols);
  const asm = new PointAssembler(
    names.map((name, c) => ({ name, type: colorCols.includes(c) && byteColors ? 'uint8' : columnRole(name)?.slot === 'labels' ? 'int32' : 'float32' })),
    rows,
    ctx,
  );
  asm.sinks.forEach((sink, c) => {
    if (!sink) return;
    for (let i = 0; i < rows; i++) sink.array[sink.offset + i * sink.stride] = data[i * k + c];
  });
  const cloud = asm.finish();
  cloud.format = 'xyz';
  cloud.variant = pre.commas ? 'csv' : 'text';
  cloud.metadata = { columns: names };
  return finalizeCloud(cloud, ctx);
}
