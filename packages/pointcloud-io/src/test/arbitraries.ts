import fc from 'fast-check';
import type { PointCloud, ScalarArray } from '../types.js';

const FIELD_TYPES = {
  float32: () => fc.float(),
  float64: () => fc.double(),
  int8: () => fc.integer({ min: -128, max: 127 }),
  uint8: () => fc.integer({ min: 0, max: 255 }),
  int16: () => fc.integer({ min: -32768, max: 32767 }),
  uint16: () => fc.integer({ min: 0, max: 65535 }),
  int32: () => fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  uint32: () => fc.integer({ min: 0, max: 2 ** 32 - 1 }),
} as const;

const CTORS = { float32: Float32Array, float64: Float64Array, int8: Int8Array, uint8: Uint8Array, int16: Int16Array, uint16: Uint16Array, int32: Int32Array, uint32: Uint32Array } as const;

type FieldType = keyof typeof FIELD_TYPES;

/** Options for {@link arbCloud}. */
export interface ArbCloudOptions {
  maxPoints?: number;
  faces?: boolean;
  floatColors?: boolean;
  /** Limit coordinates to ±1e6 (LAS quantisation) instead of any finite float32. */
  bounded?: boolean;
}

const finite32 = (n: number, bounded?: boolean): fc.Arbitrary<Float32Array> =>
  fc.float32Array({ minLength: n, maxLength: n, noNaN: true, noDefaultInfinity: true, ...(bounded ? { min: -1e6, max: 1e6 } : {}) });

/** Random clouds with every optional part: colours (u8 RGB/RGBA or float), normals, intensity, labels, typed fields, faces. */
export function arbCloud(options: ArbCloudOptions = {}): fc.Arbitrary<PointCloud> {
  return fc.integer({ min: 1, max: options.maxPoints ?? 40 }).chain((n) => {
    const colorArbs: fc.Arbitrary<Uint8Array | Float32Array>[] = [fc.uint8Array({ minLength: 3 * n, maxLength: 3 * n }), fc.uint8Array({ minLength: 4 * n, maxLength: 4 * n })];
    if (options.floatColors) colorArbs.push(fc.float32Array({ minLength: 3 * n, maxLength: 3 * n, min: 0, max: 1, noNaN: true }));
    const field = fc.constantFrom(...(Object.keys(FIELD_TYPES) as FieldType[])).chain((t) =>
      fc.array(FIELD_TYPES[t](), { minLength: n, maxLength: n }).map((vals) => CTORS[t].from(vals) as ScalarArray),
    );
    return fc.record(
      {
        positions: finite32(3 * n, options.bounded),
        colors: fc.option(fc.oneof(...colorArbs), { nil: undefined }),
        normals: fc.option(finite32(3 * n), { nil: undefined }),
        intensity: fc.option(options.bounded ? fc.float32Array({ minLength: n, maxLength: n, min: 0, max: 65535, noNaN: true }).map((a) => a.map(Math.round)) : finite32(n), { nil: undefined }),
        labels: fc.option(fc.array(FIELD_TYPES.int32(), { minLength: n, maxLength: n }).map((a) => Int32Array.from(a)), { nil: undefined }),
        fields: fc.option(fc.dictionary(fc.stringMatching(/^f_[a-z0-9]{1,6}$/), field, { maxKeys: 3 }), { nil: undefined }),
        faces: options.faces
          ? fc.option(fc.array(fc.integer({ min: 0, max: n - 1 }), { maxLength: 30 }).map((a) => Uint32Array.from(a.slice(0, a.length - (a.length % 3)))), { nil: undefined })
          : fc.constant(undefined),
      },
      { requiredKeys: ['positions'] },
    ).map((c) => {
      const cloud: PointCloud = { positions: c.positions };
      for (const k of ['colors', 'normals', 'intensity', 'labels', 'fields', 'faces'] as const) if (c[k] !== undefined) (cloud as unknown as Record<string, unknown>)[k] = c[k];
      return cloud;
    });
  });
}
