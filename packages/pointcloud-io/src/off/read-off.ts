import { ParseContext } from '../context.js';
import { finalizeCloud } from '../finalize.js';
import { FaceCollector } from '../mesh/face-collector.js';
import { latin1 } from '../text/latin1.js';
import { TextScanner } from '../text/text-scanner.js';
import type { PointCloud, ReadOptions, ReadResult } from '../types.js';
import { toBytes, type BinaryInput } from '../util/to-bytes.js';

const KEYWORD = /^(ST)?(C)?(N)?(4)?(n)?OFF/;

/**
 * Reads OFF meshes and their variants `COFF` (vertex colours), `NOFF` (normals), `CNOFF`,
 * `STOFF` (texture coordinates, skipped), with `#` comments anywhere and the counts either on the
 * next line or glued to the keyword as ModelNet writes them (`OFF490 518 0`). Polygons are
 * fan-triangulated; per-face colours are ignored. Counts are checked against the bytes present
 * before anything is allocated.
 *
 * @example
 * ```ts
 * import { readOff } from '@heed/pointcloud-io';
 * const { cloud } = readOff(new TextEncoder().encode('OFF3 1 0\n0 0 0\n1 0 0\n0 1 0\n3 0 1 2\n'));
 * cloud.faces; // Uint32Array [0, 1, 2]
 * ```
 */
export function readOff(input: BinaryInput, options: ReadOptions = {}): ReadResult {
  const ctx = new ParseContext('off', options);
  return ctx.guard(() => readOffWith(ctx, input));
}

function readOffWith(ctx: ParseContext, input: BinaryInput): ReadResult {
  const bytes = toBytes(input, ctx.fileName);
  ctx.checkInputSize(bytes.byteLength);
  const s = new TextScanner(latin1(bytes), ctx, 0, 1, { comments: true });
  const first = s.token();
  const m = first === undefined ? null : KEYWORD.exec(first);
  if (!first || !m) throw ctx.error('bad-header', `does not start with an OFF keyword (found "${(first ?? '').slice(0, 20)}")`, { offset: 0, line: 1, expected: 'OFF, COFF, NOFF, CNOFF or STOFF' });
  const [keyword, st, c, nrm, four, nd] = m;
  if (four || nd) throw ctx.error('unsupported', `${keyword} (4D / n-dimensional OFF) is not supported`, { offset: 0, line: 1 });
  const glued = first.slice(keyword.length);
  const site = { element: 'header' };
  const countToken = (i: number): number => {
    if (i === 0 && glued !== '') {
      const v = s.parse(glued, { ...site, field: 'vertex count' });
      if (!Number.isSafeInteger(v) || v < 0) throw ctx.error('bad-header', `vertex count "${glued}" is not a non-negative integer`, { offset: 0, line: 1 });
      return v;
    }
    return s.count({ ...site, field: ['vertex count', 'face count', 'edge count'][i] });
  };
  const nv = countToken(0);
  const nf = countToken(1);
  s.endLine(); // the edge count (often 0) and anything else on the count line
  const available = bytes.byteLength - s.offset;
  ctx.checkCount(nv, { what: 'vertices', element: 'vertex', offset: s.offset, minBytesEach: 6, available, isPoints: true });
  ctx.checkCount(nf, { what: 'faces', element: 'face', offset: s.offset, minBytesEach: 2, available: available - 6 * nv });

  const positions = new Float32Array(3 * nv);
  const normals = nrm ? new Float32Array(3 * nv) : undefined;
  const extraTokens = st ? 2 : 0;
  let colors: Float32Array | undefined;
  let channels = 0;
  for (let i = 0; i < nv; i++) {
    const where = { element: 'vertex', field: `vertex ${i}` };
    if (!s.seekLine()) throw ctx.error('truncated', `ends after ${i} of ${nv} vertices`, { element: 'vertex', offset: s.offset, line: s.line });
    for (let k = 0; k < 3; k++) positions[3 * i + k] = s.numberOnLine(where);
    if (normals) for (let k = 0; k < 3; k++) normals[3 * i + k] = s.numberOnLine(where);
    if (c) {
      const rest: number[] = [];
      for (let tok = s.tokenOnLine(); tok !== undefined; tok = s.tokenOnLine()) rest.push(s.parse(tok, where));
      const nc = rest.length - extraTokens;
      if (i === 0) {
        if (nc !== 3 && nc !== 4) throw ctx.error('bad-value', `has ${nc} colour values`, { ...where, line: s.line, expected: '3 or 4 colour values (RGB or RGBA)' });
        channels = nc;
        colors = new Float32Array(channels * nv);
      } else if (nc !== channels) {
        throw ctx.error('bad-value', `has ${nc} colour values, the first vertex had ${channels}`, { ...where, line: s.line });
      }
      for (let k = 0; k < channels; k++) colors![channels * i + k] = rest[k];
    }
    s.endLine();
  }
  const faces = new FaceCollector('polygon', ctx, 'face', nf * 3);
  for (let f = 0; f < nf; f++) {
    if (!s.seekLine()) throw ctx.error('truncated', `ends after ${f} of ${nf} faces`, { element: 'face', offset: s.offset, line: s.line });
    const where = { element: 'face', field: `face ${f}` };
    const k = s.count(where);
    faces.begin();
    for (let j = 0; j < k; j++) faces.item(s.numberOnLine(where), s.lastToken.offset);
    faces.end();
    s.endLine(); // per-face colours
  }
  if (!s.atEnd()) ctx.warn(`ignored text after the last face (from byte ${s.offset})`);

  const cloud: PointCloud = { positions, format: 'off', variant: keyword, metadata: { vertexCount: nv, faceCount: nf } };
  if (normals) cloud.normals = normals;
  if (colors) cloud.colors = toColorArray(colors);
  const tris = faces.toArray();
  if (nf > 0) cloud.faces = tris;
  return finalizeCloud(cloud, ctx);
}

/** OFF colours are floats in 0–1 or integers in 0–255: integers above 1 become a Uint8Array. */
function toColorArray(colors: Float32Array): Uint8Array | Float32Array {
  let ints = true;
  let max = 0;
  for (const v of colors) {
    if (!Number.isInteger(v) || v < 0 || v > 255) ints = false;
    if (v > max) max = v;
  }
  return ints && max > 1 ? Uint8Array.from(colors) : colors;
}
