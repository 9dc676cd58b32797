import { expect } from 'vitest';
import type { PointCloud } from '../types.js';
import { expectSameArray } from './same-array.js';

/** Which parts of a cloud a format keeps exactly. */
export interface CompareOptions {
  /** Float colours come back quantised to Uint8Array (PCD). */
  quantisedColors?: boolean;
  /** Fields come back as Float32Array (XYZ). */
  fieldsAsFloat32?: boolean;
  faces?: boolean;
}

/** Expects `b` (read back) to hold the same data as `a` (written). */
export function expectSameCloud(a: PointCloud, b: PointCloud, o: CompareOptions = {}): void {
  expectSameArray(b.positions, a.positions, 'positions');
  expectSameArray(b.normals, a.normals, 'normals');
  if (a.colors && o.quantisedColors && a.colors instanceof Float32Array) {
    expect(b.colors).toBeInstanceOf(Uint8Array);
    expectSameArray(b.colors, Array.from(a.colors, (v) => Math.round(v * 255)), 'colors');
  } else {
    if (a.colors && !o.fieldsAsFloat32) expect(b.colors?.constructor).toBe(a.colors.constructor);
    expectSameArray(b.colors, a.colors, 'colors');
  }
  expectSameArray(b.intensity, a.intensity, 'intensity');
  expectSameArray(b.labels, a.labels, 'labels');
  expect(Object.keys(b.fields ?? {}).sort()).toEqual(Object.keys(a.fields ?? {}).sort());
  for (const [name, arr] of Object.entries(a.fields ?? {})) {
    const got = b.fields![name];
    if (o.fieldsAsFloat32) expectSameArray(got, Float32Array.from(arr), `fields.${name}`);
    else {
      expect(got.constructor).toBe(arr.constructor);
      expectSameArray(got, arr, `fields.${name}`);
    }
  }
  if (o.faces) expectSameArray(b.faces ?? new Uint32Array(0), a.faces ?? new Uint32Array(0), 'faces');
}
