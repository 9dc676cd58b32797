import { describe, expect, it } from 'vitest';
import { readPcd } from './read-pcd.js';
import { writePcd } from './write-pcd.js';
import { lzfCompress } from './lzf.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('readPcd', () => {
  it('splits COUNT > 1 fields, skips _ padding, unpacks rgba, reads 64-bit integers', () => {
    const head = 'VERSION 0.7\nFIELDS x y z rgba hist _ big\nSIZE 4 4 4 4 4 1 8\nTYPE F F F U F U I\nCOUNT 1 1 1 1 3 2 1\nWIDTH 1\nHEIGHT 1\nVIEWPOINT 1 2 3 1 0 0 0\nPOINTS 1\nDATA binary\n';
    const body = new Uint8Array(12 + 4 + 12 + 2 + 8);
    const dv = new DataView(body.buffer);
    dv.setFloat32(0, 1, true);
    dv.setFloat32(4, 2, true);
    dv.setFloat32(8, 3, true);
    dv.setUint32(12, 0x80102030, true);
    [0.25, 0.5, 0.75].forEach((v, k) => dv.setFloat32(16 + 4 * k, v, true));
    dv.setBigInt64(30, -(2n ** 40n), true);
    const { cloud } = readPcd(new Uint8Array([...enc(head), ...body]));
    expect(Array.from(cloud.colors!)).toEqual([0x10, 0x20, 0x30, 0x80]);
    expect(Object.keys(cloud.fields!)).toEqual(['hist_0', 'hist_1', 'hist_2', 'big']);
    expect(cloud.fields!.hist_2[0]).toBe(0.75);
    expect(cloud.fields!.big[0]).toBe(-(2 ** 40));
    expect(cloud.metadata!.viewpoint).toEqual([1, 2, 3, 1, 0, 0, 0]);
  });

  it('reads v.5 headers without COUNT or POINTS, and normals', () => {
    const { cloud } = readPcd(enc('# .PCD v.5\nVERSION .5\nFIELDS x y z normal_x normal_y normal_z\nSIZE 4 4 4 4 4 4\nTYPE F F F F F F\nWIDTH 2\nHEIGHT 1\nDATA ascii\n1 2 3 0 0 1\n4 5 6 1 0 0\n'));
    expect(Array.from(cloud.positions)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(cloud.normals!)).toEqual([0, 0, 1, 1, 0, 0]);
  });

  it('reads rgb packed as a float with its high byte set (a NaN bit pattern) without losing the colour', () => {
    const head = 'VERSION .7\nFIELDS x y z rgb\nSIZE 4 4 4 4\nTYPE F F F F\nCOUNT 1 1 1 1\nWIDTH 1\nHEIGHT 1\nPOINTS 1\nDATA binary\n';
    const body = new Uint8Array(16);
    new DataView(body.buffer).setUint32(12, 0xffff8001, true); // PCL writes alpha 255: exponent bits all ones
    expect(Array.from(readPcd(new Uint8Array([...enc(head), ...body])).cloud.colors!)).toEqual([0xff, 0x80, 0x01]);
  });

  it('detects the compressed layout: PCL field-by-field scans, and point-by-point data', () => {
    // A scan-like random walk written by this package (PCL layout).
    let x = 0, y = 0, z = 0;
    const n = 500;
    const positions = new Float32Array(3 * n);
    for (let i = 0; i < n; i++) {
      x += Math.sin(i * 0.37) * 0.01;
      y += Math.cos(i * 0.11) * 0.01;
      z += 0.001;
      positions.set([x, y, z], 3 * i);
    }
    const pcl = readPcd(writePcd({ positions }, { format: 'binary_compressed' }));
    expect(pcl.cloud.metadata!.compressedLayout).toBe('columns');
    expect(Array.from(pcl.cloud.positions)).toEqual(Array.from(positions));
    // The same points stored point by point, as pcd-rs writes them.
    const head = `VERSION .7\nFIELDS x y z\nSIZE 4 4 4\nTYPE F F F\nCOUNT 1 1 1\nWIDTH ${n}\nHEIGHT 1\nPOINTS ${n}\nDATA binary_compressed\n`;
    const packed = lzfCompress(new Uint8Array(positions.buffer));
    const sizes = new Uint32Array([packed.length, positions.byteLength]);
    const rows = readPcd(new Uint8Array([...enc(head), ...new Uint8Array(sizes.buffer), ...packed]));
    expect(rows.cloud.metadata!.compressedLayout).toBe('rows');
    expect(Array.from(rows.cloud.positions)).toEqual(Array.from(positions));
    expect(readPcd(new Uint8Array([...enc(head), ...new Uint8Array(sizes.buffer), ...packed]), { pcdCompressedLayout: 'columns' }).cloud.metadata!.compressedLayout).toBe('columns');
  });

  it('rejects unknown header lines and DATA kinds', () => {
    expect(() => readPcd(enc('VERSION .7\nFIELDS x\nSIZE 4\nTYPE F\nCOLOR red\nWIDTH 1\nDATA ascii\n1\n'))).toThrow(/unknown header line "COLOR red"/);
    expect(() => readPcd(enc('VERSION .7\nFIELDS x\nSIZE 4\nTYPE F\nWIDTH 1\nDATA zip\n'))).toThrow(/DATA "zip" is not supported/);
  });
});
