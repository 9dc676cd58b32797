import { PointCloudError } from '../errors.js';

/** Bytes in any of the forms readers accept. */
export type BinaryInput = ArrayBuffer | ArrayBufferView;

/** A Uint8Array over the same memory as `input` (no copy). */
export function toBytes(input: BinaryInput, fileName?: string): Uint8Array {
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  throw new PointCloudError('invalid-argument', 'input must be an ArrayBuffer or a typed array', { fileName });
}

/** An ArrayBuffer holding exactly `bytes` (copies only when `bytes` is a partial view). */
export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer) return bytes.buffer;
  return bytes.slice().buffer;
}
