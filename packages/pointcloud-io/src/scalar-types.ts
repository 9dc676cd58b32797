import type { ScalarArray } from './types.js';

/** A binary scalar type as stored in PLY, PCD and LAS files. */
export type ScalarType = 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64' | 'float32' | 'float64';

/** Byte size of each {@link ScalarType}. */
export const SCALAR_SIZE: Readonly<Record<ScalarType, number>> = {
  int8: 1,
  uint8: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
  int64: 8,
  uint64: 8,
  float32: 4,
  float64: 8,
};

/** True for the integer types. */
export function isIntegerType(t: ScalarType): boolean {
  return t !== 'float32' && t !== 'float64';
}

/** Largest value an unsigned/signed integer type holds (used to normalise non-uint8 colours). */
export function integerTypeMax(t: ScalarType): number {
  return 2 ** (SCALAR_SIZE[t] * 8 - (t.startsWith('u') ? 0 : 1)) - 1;
}

// PLY type names: the standard ones, the sized ones, and names seen in the wild (`bool`, `long`).
const PLY_TYPES: Readonly<Record<string, ScalarType>> = {
  char: 'int8',
  int8: 'int8',
  uchar: 'uint8',
  uint8: 'uint8',
  bool: 'uint8',
  short: 'int16',
  int16: 'int16',
  ushort: 'uint16',
  uint16: 'uint16',
  int: 'int32',
  int32: 'int32',
  uint: 'uint32',
  uint32: 'uint32',
  long: 'int64',
  int64: 'int64',
  ulong: 'uint64',
  uint64: 'uint64',
  float: 'float32',
  float32: 'float32',
  double: 'float64',
  float64: 'float64',
};

/** Maps a PLY type name (`uchar`, `float32`, `bool`…) to a {@link ScalarType}; undefined if unknown. */
export function plyScalarType(name: string): ScalarType | undefined {
  return Object.prototype.hasOwnProperty.call(PLY_TYPES, name) ? PLY_TYPES[name] : undefined;
}

/** The canonical PLY name written for a {@link ScalarType}. */
export function plyTypeName(t: ScalarType): string {
  return { int8: 'char', uint8: 'uchar', int16: 'short', uint16: 'ushort', int32: 'int', uint32: 'uint', int64: 'int64', uint64: 'uint64', float32: 'float', float64: 'double' }[t];
}

/** Maps a PCD TYPE letter and SIZE to a {@link ScalarType}; undefined if the pair is not valid. */
export function pcdScalarType(type: string, size: number): ScalarType | undefined {
  const key = `${type}${size}`;
  const map: Record<string, ScalarType> = { I1: 'int8', I2: 'int16', I4: 'int32', I8: 'int64', U1: 'uint8', U2: 'uint16', U4: 'uint32', U8: 'uint64', F4: 'float32', F8: 'float64' };
  return Object.prototype.hasOwnProperty.call(map, key) ? map[key] : undefined;
}

/** The PCD TYPE letter and SIZE for a {@link ScalarType}. */
export function pcdTypeOf(t: ScalarType): { type: 'F' | 'U' | 'I'; size: number } {
  return { type: t.startsWith('float') ? 'F' : t.startsWith('u') ? 'U' : 'I', size: SCALAR_SIZE[t] };
}

/** The {@link ScalarType} that stores an array's elements. */
export function scalarTypeOfArray(a: ScalarArray): ScalarType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int8Array) return 'int8';
  if (a instanceof Uint8Array) return 'uint8';
  if (a instanceof Int16Array) return 'int16';
  if (a instanceof Uint16Array) return 'uint16';
  if (a instanceof Int32Array) return 'int32';
  return 'uint32';
}

/** Allocates the typed array that holds `n` values of type `t` (64-bit integers widen to Float64Array). */
export function allocScalarArray(t: ScalarType, n: number): ScalarArray {
  switch (t) {
    case 'int8': return new Int8Array(n);
    case 'uint8': return new Uint8Array(n);
    case 'int16': return new Int16Array(n);
    case 'uint16': return new Uint16Array(n);
    case 'int32': return new Int32Array(n);
    case 'uint32': return new Uint32Array(n);
    case 'float32': return new Float32Array(n);
    default: return new Float64Array(n);
  }
}
