import type { ScalarType } from './scalar-types.js';

/**
 * Binary column codec shared by the PLY, PCD and LAS code: typed-property decode and encode.
 *
 * @packageDocumentation
 */

/** Anything a decoded value can be written into. */
export type NumberSink = { [index: number]: number; readonly length: number };

/** Reads one scalar of type `t` at `offset`. The caller has checked the bounds. */
export function readScalar(view: DataView, offset: number, t: ScalarType, le: boolean): number {
  switch (t) {
    case 'int8': return view.getInt8(offset);
    case 'uint8': return view.getUint8(offset);
    case 'int16': return view.getInt16(offset, le);
    case 'uint16': return view.getUint16(offset, le);
    case 'int32': return view.getInt32(offset, le);
    case 'uint32': return view.getUint32(offset, le);
    case 'int64': return Number(view.getBigInt64(offset, le));
    case 'uint64': return Number(view.getBigUint64(offset, le));
    case 'float32': return view.getFloat32(offset, le);
    default: return view.getFloat64(offset, le);
  }
}

/** Writes one scalar of type `t` at `offset`. */
export function writeScalar(view: DataView, offset: number, t: ScalarType, value: number, le: boolean): void {
  switch (t) {
    case 'int8': view.setInt8(offset, value); break;
    case 'uint8': view.setUint8(offset, value); break;
    case 'int16': view.setInt16(offset, value, le); break;
    case 'uint16': view.setUint16(offset, value, le); break;
    case 'int32': view.setInt32(offset, value, le); break;
    case 'uint32': view.setUint32(offset, value, le); break;
    case 'int64': view.setBigInt64(offset, BigInt(Math.trunc(value)), le); break;
    case 'uint64': view.setBigUint64(offset, BigInt(Math.trunc(value)), le); break;
    case 'float32': view.setFloat32(offset, value, le); break;
    default: view.setFloat64(offset, value, le);
  }
}

/**
 * The typed-property decoder shared by PLY and PCD: reads `count` values of type `t` from
 * `view`, the i-th at byte `start + i * stride`, into `out[outOffset + i * outStride]`.
 * Bounds are the caller's job (checked once per element, before the call).
 */
export function decodeColumn(
  view: DataView,
  t: ScalarType,
  le: boolean,
  start: number,
  stride: number,
  count: number,
  out: NumberSink,
  outOffset = 0,
  outStride = 1,
): void {
  let p = start;
  let o = outOffset;
  // One tight loop per type so the engine can specialise each.
  switch (t) {
    case 'float32':
      for (let i = 0; i < count; i++, p += stride, o += outStride) out[o] = view.getFloat32(p, le);
      return;
    case 'float64':
      for (let i = 0; i < count; i++, p += stride, o += outStride) out[o] = view.getFloat64(p, le);
      return;
    case 'uint8':
      for (let i = 0; i < count; i++, p += stride, o += outStride) out[o] = view.getUint8(p);
      return;
    case 'int8':
      for (let i = 0; i < count; i++, p += stride, o += outStride) out[o] = view.getInt8(p);
      return;
    case 'uint16':
      for (let i = 0; i < count; i++, p += stride, o += outStride) out[o] = view.getUint16(p, le);
      return;
    case 'int16':
      for (let i = 0; i < count; i++, p += stride, o += outStride) out[o] = view.getInt16(p, le);
      return;
    case 'uint32':
      for (let i = 0; i < count; i++, p += stride, o += outStride) out[o] = view.getUint32(p, le);
      return;
    case 'int32':
      for (let i = 0; i < count; i++, p += stride, o += outStride) out[o] = view.getInt32(p, le);
      return;
    default:
      for (let i = 0; i < count; i++, p += stride, o += outStride) out[o] = readScalar(view, p, t, le);
  }
}

/**
 * The encoder twin of {@link decodeColumn}: writes `count` values `src[srcOffset + i * srcStride]`
 * as type `t` at byte `start + i * stride` of `view`.
 */
export function encodeColumn(
  view: DataView,
  t: ScalarType,
  le: boolean,
  start: number,
  stride: number,
  count: number,
  src: ArrayLike<number>,
  srcOffset = 0,
  srcStride = 1,
): void {
  let p = start;
  let s = srcOffset;
  switch (t) {
    case 'float32':
      for (let i = 0; i < count; i++, p += stride, s += srcStride) view.setFloat32(p, src[s], le);
      return;
    case 'float64':
      for (let i = 0; i < count; i++, p += stride, s += srcStride) view.setFloat64(p, src[s], le);
      return;
    case 'uint8':
      for (let i = 0; i < count; i++, p += stride, s += srcStride) view.setUint8(p, src[s]);
      return;
    case 'int32':
      for (let i = 0; i < count; i++, p += stride, s += srcStride) view.setInt32(p, src[s], le);
      return;
    case 'uint32':
      for (let i = 0; i < count; i++, p += stride, s += srcStride) view.setUint32(p, src[s], le);
      return;
    default:
      for (let i = 0; i < count; i++, p += stride, s += srcStride) writeScalar(view, p, t, src[s], le);
  }
}
