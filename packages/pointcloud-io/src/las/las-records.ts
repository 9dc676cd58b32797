import type { LasHeader } from './las-header.js';

/** What this package takes from LAS point records. */
export interface LasColumns {
  positions: Float32Array;
  intensity: Float32Array;
  /** Classification (low 5 bits for formats 0–5, the full byte for 6–10). */
  labels: Int32Array;
  /** RGB, 8 bits per channel (16-bit values are shifted down when any exceeds 255). */
  colors?: Uint8Array;
}

/** Byte offset of R,G,B in a record of each format, or -1 when the format has no colour. */
const RGB_OFFSET: readonly number[] = [-1, -1, 20, 28, -1, 28, -1, 30, 30, -1, 30];

/** True for the formats that carry RGB. */
export function lasHasColor(pointFormat: number): boolean {
  return RGB_OFFSET[pointFormat] >= 0;
}

/**
 * True when any RGB value in the records is above 255, i.e. colours use 16 bits as the LAS spec
 * says (many writers store 8-bit values instead).
 */
export function lasColorsAre16Bit(view: DataView, start: number, n: number, h: LasHeader): boolean {
  const at = RGB_OFFSET[h.pointFormat];
  if (at < 0) return false;
  for (let i = 0, p = start + at; i < n; i++, p += h.recordLength) {
    if (view.getUint16(p, true) > 255 || view.getUint16(p + 2, true) > 255 || view.getUint16(p + 4, true) > 255) return true;
  }
  return false;
}

/**
 * Decodes `n` uncompressed point records starting at byte `start` of `bytes` (any format 0–10):
 * scale and offset are applied in double precision, then stored as float32. The caller has
 * checked that `n * recordLength` bytes are present.
 */
export function decodeLasRecords(bytes: Uint8Array, start: number, n: number, h: LasHeader): LasColumns {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const len = h.recordLength;
  const [sx, sy, sz] = h.scale;
  const [ox, oy, oz] = h.offset;
  const positions = new Float32Array(3 * n);
  const intensity = new Float32Array(n);
  const labels = new Int32Array(n);
  const extended = h.pointFormat >= 6;
  for (let i = 0, p = start; i < n; i++, p += len) {
    positions[3 * i] = view.getInt32(p, true) * sx + ox;
    positions[3 * i + 1] = view.getInt32(p + 4, true) * sy + oy;
    positions[3 * i + 2] = view.getInt32(p + 8, true) * sz + oz;
    intensity[i] = view.getUint16(p + 12, true);
    labels[i] = extended ? view.getUint8(p + 16) : view.getUint8(p + 15) & 0x1f;
  }
  const out: LasColumns = { positions, intensity, labels };
  const at = RGB_OFFSET[h.pointFormat];
  if (at >= 0) {
    const shift = lasColorsAre16Bit(view, start, n, h) ? 8 : 0;
    const colors = new Uint8Array(3 * n);
    for (let i = 0, p = start + at; i < n; i++, p += len) {
      colors[3 * i] = view.getUint16(p, true) >> shift;
      colors[3 * i + 1] = view.getUint16(p + 2, true) >> shift;
      colors[3 * i + 2] = view.getUint16(p + 4, true) >> shift;
    }
    out.colors = colors;
  }
  return out;
}
