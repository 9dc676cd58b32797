import { describe, expect, it } from 'vitest';
import { writeScalar } from '../column-codec.js';
import { plyScalarType, SCALAR_SIZE, type ScalarType } from '../scalar-types.js';
import { readPly } from './read-ply.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

// Every PLY type name, standard and seen in the wild, with a value that only that type holds exactly.
const TYPES: [string, number][] = [
  ['char', -100], ['int8', -7], ['uchar', 200], ['uint8', 255], ['bool', 1], ['short', -30000], ['int16', 1234], ['ushort', 60000], ['uint16', 65535],
  ['int', -2000000000], ['int32', 7], ['uint', 4000000000], ['uint32', 1], ['float', 0.5], ['float32', -1.25], ['double', 0.1], ['float64', 1e300],
  ['long', -5], ['int64', 2 ** 40], ['ulong', 6], ['uint64', 2 ** 50],
];

function binaryPly(le: boolean): Uint8Array {
  const props = TYPES.map(([t], i) => `property ${t} p${i}`).join('\n');
  const head = enc(`ply\r\nformat binary_${le ? 'little' : 'big'}_endian 1.0\r\ncomment CRLF header\r\nobj_info made by hand\r\nelement vertex 1\r\nproperty float x\r\nproperty float y\r\nproperty float z\r\n${props.replace(/\n/g, '\r\n')}\r\nelement edge 1\r\nproperty int a\r\nproperty int b\r\nelement face 1\r\nproperty list ushort uint vertex_indices\r\nend_header\r\n`);
  const row = 12 + TYPES.reduce((s, [t]) => s + SCALAR_SIZE[plyScalarType(t)!], 0);
  const body = new Uint8Array(row + 8 + 2 + 16);
  const dv = new DataView(body.buffer);
  dv.setFloat32(0, 1, le);
  dv.setFloat32(4, 2, le);
  dv.setFloat32(8, 3, le);
  let o = 12;
  for (const [t, v] of TYPES) {
    const st = plyScalarType(t)! as ScalarType;
    writeScalar(dv, o, st, v, le);
    o += SCALAR_SIZE[st];
  }
  o += 8; // edge
  dv.setUint16(o, 4, le);
  [0, 0, 0, 0].forEach((v, k) => dv.setUint32(o + 2 + 4 * k, v, le));
  return new Uint8Array([...head, ...body]);
}

describe('readPly', () => {
  for (const le of [true, false]) {
    it(`decodes every property type, ${le ? 'little' : 'big'}-endian, skipping other elements`, () => {
      const { cloud, warnings } = readPly(binaryPly(le), { fileName: 'types.ply' });
      expect(Array.from(cloud.positions)).toEqual([1, 2, 3]);
      TYPES.forEach(([, v], i) => expect(cloud.fields![`p${i}`][0]).toBe(v));
      expect(cloud.fields!.p0).toBeInstanceOf(Int8Array);
      expect(cloud.fields!.p16).toBeInstanceOf(Float64Array);
      expect(cloud.fields!.p20).toBeInstanceOf(Float64Array); // uint64 widened
      expect(Array.from(cloud.faces!)).toEqual([0, 0, 0, 0, 0, 0]); // a quad: two triangles
      expect(cloud.metadata).toMatchObject({ comments: ['CRLF header'], objInfo: ['made by hand'] });
      expect(warnings).toEqual([]);
    });
  }

  it('reads ASCII as a token stream and maps colour, normal, intensity and label properties', () => {
    const ply = 'ply\nformat ascii 1.0\nelement vertex 2\nproperty float x\nproperty float y\nproperty float z\nproperty float nx\nproperty float ny\nproperty float nz\n' +
      'property ushort red\nproperty ushort green\nproperty ushort blue\nproperty float intensity\nproperty int label\nproperty list uchar int extra\nend_header\n' +
      '1 2 3 0 0 1 65535 0 0 0.5 7 2 1 2\n4 5 6\n0 1 0 0 65535 0 9 -1 0\n';
    const { cloud, warnings } = readPly(enc(ply));
    expect(Array.from(cloud.positions)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(cloud.normals!)).toEqual([0, 0, 1, 0, 1, 0]);
    expect(cloud.colors).toBeInstanceOf(Float32Array); // 16-bit colours rescaled to 0–1
    expect(Array.from(cloud.colors!)).toEqual([1, 0, 0, 0, 1, 0]);
    expect(Array.from(cloud.intensity!)).toEqual([0.5, 9]);
    expect(Array.from(cloud.labels!)).toEqual([7, -1]);
    expect(warnings).toEqual(['<buffer>: ignored list properties of the vertex element']);
  });

  it('keeps a lone colour channel as a field and warns about missing axes', () => {
    const { cloud, warnings } = readPly(enc('ply\nformat ascii 1.0\nelement vertex 1\nproperty float x\nproperty float y\nproperty uchar red\nend_header\n1 2 3\n'));
    expect(Array.from(cloud.positions)).toEqual([1, 2, 0]);
    expect(cloud.fields!.red[0]).toBe(3);
    expect(warnings[0]).toMatch(/no z column/);
  });

  it('refuses a file without a vertex element or with a bad format line', () => {
    expect(() => readPly(enc('ply\nformat ascii 1.0\nelement face 0\nend_header\n'))).toThrow(/no "vertex" element/);
    expect(() => readPly(enc('ply\nformat binary_middle_endian 1.0\nend_header\n'))).toThrow(/unknown format "binary_middle_endian"/);
    expect(() => readPly(enc('plx\n'))).toThrow(/does not start with the "ply" magic/);
  });
});
