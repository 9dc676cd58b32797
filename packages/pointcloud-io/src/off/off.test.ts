import { describe, expect, it } from 'vitest';
import { readOff } from './read-off.js';

const read = (s: string) => readOff(new TextEncoder().encode(s));

describe('readOff', () => {
  it('reads counts on the keyword line, with or without a space', () => {
    for (const head of ['OFF3 1 0', 'OFF 3 1 0', 'OFF\n3 1', 'OFF\n# c\n\n3 1 0']) {
      const { cloud } = read(`${head}\n0 0 0\n1 0 0\n0 1 0\n3 0 1 2\n`);
      expect(Array.from(cloud.faces!)).toEqual([0, 1, 2]);
    }
  });

  it('reads NOFF normals, CNOFF normals + colours, and float COFF colours', () => {
    const noff = read('NOFF\n3 1 0\n0 0 0 0 0 1\n1 0 0 0 0 1\n0 1 0 0 0 1\n3 0 1 2\n').cloud;
    expect(Array.from(noff.normals!)).toEqual([0, 0, 1, 0, 0, 1, 0, 0, 1]);
    const cnoff = read('CNOFF\n1 0 0\n0 0 0 0 1 0 255 128 0 255\n').cloud;
    expect(Array.from(cnoff.normals!)).toEqual([0, 1, 0]);
    expect(Array.from(cnoff.colors!)).toEqual([255, 128, 0, 255]);
    const coff = read('COFF\n1 0 0\n0 0 0 0.5 0.25 1\n').cloud;
    expect(coff.colors).toBeInstanceOf(Float32Array);
    expect(Array.from(coff.colors!)).toEqual([0.5, 0.25, 1]);
  });

  it('refuses 4OFF / nOFF, missing keywords and short files', () => {
    expect(() => read('4OFF\n1 0 0\n0 0 0 0\n')).toThrow(/not supported/);
    expect(() => read('PLY\n')).toThrow(/does not start with an OFF keyword/);
    expect(() => read('OFF\n3 1 0\n0 0 0\n1 0 0\n')).toThrow(/header claims 3 vertices of at least 6 bytes/);
    expect(() => read('OFF\n3 0 0\n0.000 0 0\n1.000 0 0\n')).toThrow(/ends after 2 of 3 vertices/);
    expect(() => read('OFF\n3 1 0\n0 0 0\n1 0 0\n0 1 0\n4 0 1 2\n')).toThrow(/line ends early/);
  });
});
