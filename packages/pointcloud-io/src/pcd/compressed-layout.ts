import { readScalar } from '../decode-column.js';
import type { ScalarType } from '../scalar-types.js';

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

interface Score {
  nonFinite: number;
  jump: number;
}

function score(view: DataView, cols: LayoutColumn[], n: number, layout: PcdCompressedLayout): Score {
  let nonFinite = 0;
  let jump = 0;
  for (const c of cols) {
    if (c.type !== 'float32' && c.type !== 'float64') continue;
    const start = layout === 'columns' ? c.colStart : c.rowStart;
    const stride = layout === 'columns' ? c.colStride : c.rowStride;
    const spatial = c.name === 'x' || c.name === 'y' || c.name === 'z';
    let prev = 0;
    for (let i = 0, p = start; i < n; i++, p += stride) {
      const v = readScalar(view, p, c.type, true);
      if (!Number.isFinite(v)) nonFinite++;
      else if (spatial) {
        if (i > 0) jump += Math.abs(v - prev);
        prev = v;
      }
    }
  }
  return { nonFinite, jump };
}

/**
 * PCL stores `binary_compressed` data field by field (all x, then all y…); some writers (pcd-rs)
 * store it point by point. Both decode without error, so this picks the layout whose float values
 * are all finite and whose consecutive points are spatially coherent, preferring PCL's layout
 * unless the other is clearly better (fewer non-finite values, or under half the total jump
 * between consecutive x/y/z values).
 */
export function detectCompressedLayout(block: Uint8Array, cols: LayoutColumn[], n: number): PcdCompressedLayout {
  if (n < 2 || cols.length < 2) return 'columns';
  const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
  const c = score(view, cols, n, 'columns');
  const r = score(view, cols, n, 'rows');
  if (r.nonFinite !== c.nonFinite) return r.nonFinite < c.nonFinite ? 'rows' : 'columns';
  return r.jump < 0.5 * c.jump ? 'rows' : 'columns';
}
