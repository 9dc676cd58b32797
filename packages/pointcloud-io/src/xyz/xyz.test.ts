import { describe, expect, it } from 'vitest';
import { readXyz } from './read-xyz.js';

const read = (s: string, columns?: string[]) => readXyz(new TextEncoder().encode(s), { columns });

describe('readXyz', () => {
  it('reads the ModelNet40 x,y,z,nx,ny,nz layout as normals', () => {
    const { cloud } = read('0.1,0.2,0.3,0,0,1\n-0.1,0.2,0.3,0,1,0\n');
    expect(cloud.variant).toBe('csv');
    expect(Array.from(cloud.normals!)).toEqual([0, 0, 1, 0, 1, 0]);
    expect(cloud.metadata!.columns).toEqual(['x', 'y', 'z', 'nx', 'ny', 'nz']);
  });

  it('guesses colours for byte-valued columns, intensity for a fourth column, PTS order for seven', () => {
    expect(read('1 2 3 255 0 10\n').cloud.colors).toEqual(new Uint8Array([255, 0, 10]));
    expect(Array.from(read('1 2 3 0.5\n').cloud.intensity!)).toEqual([0.5]);
    const pts = read('1 2 3 -5 10 20 30\n').cloud;
    expect(Array.from(pts.intensity!)).toEqual([-5]);
    expect(Array.from(pts.colors!)).toEqual([10, 20, 30]);
    expect(Object.keys(read('1 2 3 4 5\n').cloud.fields!)).toEqual(['column_3', 'column_4']);
  });

  it('uses header rows (CloudCompare //X,Y,Z,R,G,B), column comments, and explicit names', () => {
    const cc = read('//X,Y,Z,R,G,B,Scalar_field\n1,2,3,4,5,6,0.5\n').cloud;
    expect(Array.from(cc.colors!)).toEqual([4, 5, 6]);
    expect(cc.fields!.Scalar_field[0]).toBe(0.5);
    const commented = read('# written by hand\n# x y z label\n1 2 3 9 # trailing comment\n\n4 5 6 8\n').cloud;
    expect(Array.from(commented.labels!)).toEqual([9, 8]);
    expect(Array.from(read('1 2 3 4\n', ['y', 'x', 'z', 'weight']).cloud.positions)).toEqual([2, 1, 3]);
  });

  it('reads Fortran exponents, nan and inf', () => {
    const { cloud, warnings } = read('1.0D+01 2E-1 3\nnan 1 1\n-inf 2 2\n');
    expect(Array.from(cloud.positions)).toEqual([10, Math.fround(0.2), 3]);
    expect(warnings[0]).toMatch(/dropped 2 of 3 points/);
  });

  it('refuses fewer than three columns and mismatched names', () => {
    expect(() => read('1 2\n')).toThrow(/first data line has 2 values/);
    expect(() => read('1 2 3\n', ['x', 'y'])).toThrow(/2 column names for 3 columns/);
    expect(() => read('# nothing\n')).toThrow(/contains no points/);
  });
});
