import { LAZPerfLoader } from '@loaders.gl/las';
import type { ParseContext } from '../context.js';
import { toArrayBuffer } from '../util/to-bytes.js';
import type { LasHeader } from './las-header.js';
import { lasColorsAre16Bit, lasHasColor, type LasColumns } from './las-records.js';

/** True when loaders.gl's LAS loader (laz-perf inside) reads this file: LAS/LAZ ≤ 1.3, formats 0–3. */
export function loadersGlCanRead(h: LasHeader): boolean {
  return h.versionMinor <= 3 && h.pointFormat <= 3;
}

/**
 * The files `lasDecoder: 'auto'` sends to loaders.gl: uncompressed LAS it can read. LAZ goes to
 * laz-perf directly because loaders.gl's bundled laz-perf decodes past the end of truncated data
 * without an error (garbage points instead of a failure).
 */
export function loadersGlPreferred(h: LasHeader): boolean {
  return loadersGlCanRead(h) && !h.compressed;
}

/**
 * Decodes a LAS/LAZ file (≤ 1.3, formats 0–3) with loaders.gl's `LAZPerfLoader`, after this
 * package has validated the header. Colour depth: for uncompressed files it is detected from all
 * records here; for LAZ loaders.gl's `auto` mode decides per batch of 100 000 points.
 */
export function decodeWithLoadersGl(bytes: Uint8Array, h: LasHeader, ctx: ParseContext): LasColumns {
  let colorDepth: 8 | 16 | 'auto' = 'auto';
  if (!h.compressed && lasHasColor(h.pointFormat)) {
    colorDepth = lasColorsAre16Bit(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), h.pointOffset, h.count, h) ? 16 : 8;
  }
  let mesh;
  try {
    mesh = LAZPerfLoader.parseSync(toArrayBuffer(bytes), { las: { shape: 'mesh', fp64: false, skip: 1, colorDepth } });
  } catch (e) {
    throw ctx.error('corrupt', `loaders.gl could not decode the points: ${e instanceof Error ? e.message : String(e)}`, { element: 'points', offset: h.pointOffset }, e);
  }
  const a = mesh.attributes;
  const positions = a.POSITION?.value;
  if (!(positions instanceof Float32Array) || positions.length !== 3 * h.count) {
    throw ctx.error('corrupt', `loaders.gl returned ${positions ? positions.length / 3 : 0} points, the header says ${h.count}`, { element: 'points', offset: h.pointOffset });
  }
  const intensity = new Float32Array(h.count);
  if (a.intensity?.value) intensity.set(a.intensity.value);
  const labels = new Int32Array(h.count);
  const cls = a.classification?.value;
  if (cls) for (let i = 0; i < h.count; i++) labels[i] = cls[i] & 0x1f;
  const out: LasColumns = { positions, intensity, labels };
  const rgba = a.COLOR_0?.value;
  if (rgba && lasHasColor(h.pointFormat)) {
    const colors = new Uint8Array(3 * h.count);
    for (let i = 0; i < h.count; i++) {
      colors[3 * i] = rgba[4 * i];
      colors[3 * i + 1] = rgba[4 * i + 1];
      colors[3 * i + 2] = rgba[4 * i + 2];
    }
    out.colors = colors;
  }
  return out;
}
