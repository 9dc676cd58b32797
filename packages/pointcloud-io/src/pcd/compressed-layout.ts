import { readScalar } from '../column-codec.js';
import type { ScalarType } from '../scalar-types.js';

/** Below this many points only non-finite values can overturn PCL's layout. */
const MIN_POINTS_FOR_COHERENCE = 16;

/** How the decompressed block of a `binary_compressed` PCD is laid out. */
export type PcdCompressedLayout = 'columns' | 'rows';

/** A column of the decompressed block, with its offsets in both layouts. */
export interface LayoutColumn {
  name: string;
  type: ScalarType;
  /** Offset/stride when stored field by field (PCL). */
  colStart: number;
  colStride: number;
  /** Offset/stride when stored point by point (as pcd-rs writes it). */
  rowStart: number;
  rowStride: number;
}

/** Points whose ordering is judged (a prefix keeps detection cheap on large files). */
const SAMPLE = 4096;

function median(a: Float64Array): number {
  const s = a.slice().sort();
  return s.length === 0 ? NaN : s[s.length >> 1];
}

/**
 * Robust roughness of a sequence: median |v[i+1] − v[i]| over the median absolute deviation.
 * Scan-ordered coordinates give values well below 1, shuffled or axis-mixed ones about 1.4.
 * NaN when the values have no spread (no evidence either way).
 */
function roughness(values: Float64Array): number {
  const m = median(values);
  const mad = median(values.map((v) => Math.abs(v - m)));
  if (!(mad > 0) || !Number.isFinite(mad)) return NaN;
  const d = new Float64Array(values.length - 1);
  for (let i = 0; i + 1 < values.length; i++) d[i] = Math.abs(values[i + 1] - values[i]);
  return median(d) / mad;
}

function score(view: DataView, cols: LayoutColumn[], n: number, layout: PcdCompressedLayout): { nonFinite: number; rough: number } {
  let nonFinite = 0;
  let rough = 0;
  let axes = 0;
  for (const c of cols) {
    if (c.type !== 'float32' && c.type !== 'float64') continue;
    const start = layout === 'columns' ? c.colStart : c.rowStart;
    const stride = layout === 'columns' ? c.colStride : c.rowStride;
    if (c.name !== 'x' && c.name !== 'y' && c.name !== 'z') continue;
    const sample = new Float64Array(Math.min(n, SAMPLE));
    let k = 0;
    for (let i = 0, p = start; i < n; i++, p += stride) {
      const v = readScalar(view, p, c.type, true);
      if (!Number.isFinite(v)) nonFinite++;
      else if (k < sample.length) sample[k++] = v;
    }
    rough += roughness(sample.subarray(0, k));
    axes++;
  }
  return { nonFinite, rough: axes > 0 ? rough / axes : NaN };
}

/**
 * PCL stores `binary_compressed` data field by field (all x, then all y…); some writers (pcd-rs)
 * store it point by point. Both decode without error, so this picks the layout whose float values
 * are all finite and whose consecutive points are spatially coherent, and keeps PCL's layout
 * unless the other is clearly better: its x/y/z are all finite where PCL's are not, or (with at
 * least 16 points, none non-finite) its x/y/z are scan-ordered (robust roughness — median step
 * over median absolute deviation — under 0.5) and under half as rough as PCL's reading.
 * A heuristic: pass `pcdCompressedLayout` to decide.
 */
export function detectCompressedLayout(block: Uint8Array, cols: LayoutColumn[], n: number): PcdCompressedLayout {
  if (n < 2 || cols.length < 2) return 'columns';
  const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
  const c = score(view, cols, n, 'columns');
  const r = score(view, cols, n, 'rows');
  // Bytes of one type read as another give NaN/Inf; a cloud with NaN markers has them either way.
  if (c.nonFinite > 0 && r.nonFinite === 0) return 'rows';
  if (c.nonFinite > 0 || r.nonFinite > 0) return 'columns';
  // Too few points, or no spread, to judge coherence: keep the standard layout.
  return n >= MIN_POINTS_FOR_COHERENCE && r.rough < 0.5 && r.rough < 0.5 * c.rough ? 'rows' : 'columns';
}
