import { describe, expect, it } from 'vitest';
import { PointCloudError } from './errors.js';
import { readLas } from './las/read-las.js';
import { writeLas } from './las/write-las.js';
import { readOff } from './off/read-off.js';
import { readPcd } from './pcd/read-pcd.js';
import { writePcd } from './pcd/write-pcd.js';
import { readPly } from './ply/read-ply.js';
import { writePly } from './ply/write-ply.js';
import { readPointCloud } from './read-point-cloud.js';
import { fixture } from './test/fixtures.js';
import { readXyz } from './xyz/read-xyz.js';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Runs `fn`, expecting a PointCloudError; returns it. */
function caught(fn: () => unknown): PointCloudError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(PointCloudError);
    return e as PointCloudError;
  }
  throw new Error('expected a PointCloudError');
}

async function caughtAsync(p: Promise<unknown>): Promise<PointCloudError> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(PointCloudError);
  return e as PointCloudError;
}

describe('hostile headers fail before allocating', () => {
  it('a PLY claiming 2^32-1 vertices over a 10-byte body fails at once with a clear message', () => {
    const header = 'ply\nformat binary_little_endian 1.0\nelement vertex 4294967295\nproperty float x\nproperty float y\nproperty float z\nend_header\n';
    const bytes = new Uint8Array([...text(header), ...new Uint8Array(10)]);
    const t = performance.now();
    const e = caught(() => readPly(bytes, { fileName: 'huge.ply' }));
    expect(performance.now() - t).toBeLessThan(500);
    expect(e.code).toBe('truncated');
    expect(e.element).toBe('vertex');
    expect(e.offset).toBe(header.length);
    expect(e.message).toBe(
      `huge.ply: PLY element "vertex" at byte ${header.length}: header claims 4294967295 vertices of at least 12 bytes each (51539607540 bytes) but only 10 bytes are present`,
    );
  });

  it('the same for ASCII PLY, face lists, and elements after the vertices', () => {
    expect(caught(() => readPly(text('ply\nformat ascii 1.0\nelement vertex 999999999\nproperty float x\nend_header\n1\n'))).code).toBe('truncated');
    const faces = 'ply\nformat binary_little_endian 1.0\nelement vertex 1\nproperty float x\nelement face 1000000000\nproperty list uchar int vertex_indices\nend_header\n';
    const e = caught(() => readPly(new Uint8Array([...text(faces), 0, 0, 0, 0, 3, 0, 0, 0, 0])));
    expect(e.element).toBe('face');
  });

  it('elements without properties and enormous counts do not loop', () => {
    const ply = 'ply\nformat binary_little_endian 1.0\nelement vertex 1\nproperty float x\nproperty float y\nproperty float z\nelement junk 9007199254740991\nend_header\n';
    const t = performance.now();
    const { cloud } = readPly(new Uint8Array([...text(ply), ...new Uint8Array(12)]));
    expect(cloud.positions).toHaveLength(3);
    expect(performance.now() - t).toBeLessThan(500);
  });

  it('a PLY list longer than the data fails with the field and offset', () => {
    const ply = 'ply\nformat binary_little_endian 1.0\nelement vertex 3\nproperty float x\nproperty float y\nproperty float z\nelement face 1\nproperty list uint int vertex_indices\nend_header\n';
    const body = new Uint8Array(36 + 4);
    new DataView(body.buffer).setUint32(36, 0xfffffff0, true);
    const e = caught(() => readPly(new Uint8Array([...text(ply), ...body]), { fileName: 'l.ply' }));
    expect(e.code).toBe('truncated');
    expect(e.field).toBe('vertex_indices');
    expect(e.message).toMatch(/^l\.ply: PLY element "face" field "vertex_indices" at byte \d+: needs \d+ more bytes but only 0 remain$/);
  });

  it('PCD, OFF and LAS counts are checked against the bytes too', () => {
    const pcd = '# .PCD v0.7\nVERSION 0.7\nFIELDS x y z\nSIZE 4 4 4\nTYPE F F F\nCOUNT 1 1 1\nWIDTH 4294967295\nHEIGHT 1\nPOINTS 4294967295\nDATA binary\n';
    expect(caught(() => readPcd(text(pcd + '0123456789'))).code).toBe('truncated');
    expect(caught(() => readPcd(text(pcd.replace('DATA binary', 'DATA binary_compressed') + '0123456789'))).code).toBe('limit');
    // 1M points = 12 MB claimed from 10 compressed bytes: more than LZF can expand to.
    const compressed = pcd.replace(/4294967295/g, '1000000').replace('DATA binary', 'DATA binary_compressed');
    const sizes = new Uint8Array(8);
    new DataView(sizes.buffer).setUint32(0, 10, true);
    new DataView(sizes.buffer).setUint32(4, 12_000_000, true);
    const e = caught(() => readPcd(new Uint8Array([...text(compressed), ...sizes, ...new Uint8Array(10)]), { fileName: 'z.pcd' }));
    expect(e.code).toBe('corrupt');
    expect(e.message).toMatch(/^z\.pcd: PCD element "DATA" at byte \d+: uncompressed size 12000000 is more than LZF can expand 10 bytes to$/);
    expect(caught(() => readOff(text('OFF\n2000000000 1 0\n0 0 0\n'))).code).toBe('truncated');
    const las = writeLas({ positions: new Float32Array([1, 2, 3]) });
    new DataView(las.buffer).setUint32(107, 4000000000, true);
    return caughtAsync(readLas(las, { fileName: 'big.las' })).then((err) => {
      expect(err.code).toBe('truncated');
      expect(err.message).toMatch(/^big\.las: LAS element "points" at byte 227: header claims 4000000000 points of at least 20 bytes each/);
    });
  });

  it('a LAZ claiming far more points than its bytes could hold is refused', async () => {
    const laz = fixture('simple.laz').slice();
    new DataView(laz.buffer).setUint32(107, 100_000_000, true);
    const e = await caughtAsync(readLas(laz, { fileName: 'z.laz' }));
    expect(e.code).toBe('truncated');
  });

  it('a LAZ whose header claims more points than its data holds fails instead of returning garbage', async () => {
    const laz = fixture('simple.laz').slice();
    new DataView(laz.buffer).setUint32(107, 10_000, true);
    const e = await caughtAsync(readLas(laz, { fileName: 'short.laz' }));
    expect(e.code).toBe('corrupt');
    expect(e.message).toMatch(/^short\.laz: LAZ element "points"/);
    // The decoder recovers for the next file.
    expect((await readLas(fixture('simple.laz'))).cloud.positions).toHaveLength(3 * 1065);
  });
});

describe('truncated and corrupt data', () => {
  const cloud = { positions: Float32Array.from({ length: 300 }, (_, i) => i), faces: new Uint32Array([0, 1, 2]) };

  it('truncated binary PLY and PCD name the element and offset', () => {
    const ply = writePly(cloud);
    const e = caught(() => readPly(ply.subarray(0, ply.length - 5), { fileName: 't.ply' }));
    expect(e.code).toBe('truncated');
    expect(e.message).toMatch(/^t\.ply: PLY element "face"/);
    const cut = caught(() => readPly(ply.subarray(0, 400), { fileName: 't.ply' }));
    expect(cut.element).toBe('vertex');
    const pcd = writePcd(cloud);
    expect(caught(() => readPcd(pcd.subarray(0, pcd.length - 1))).code).toBe('truncated');
  });

  it('truncated ASCII names the line', () => {
    const ply = new TextDecoder().decode(writePly(cloud, { format: 'ascii' }));
    const e = caught(() => readPly(text(ply.slice(0, ply.length - 30)), { fileName: 'a.ply' }));
    expect(e.code).toBe('truncated');
    expect(e.line).toBeGreaterThan(100);
    const bad = caught(() => readPly(text(ply.replace('\n0 1 2', '\n0 1 two')), { fileName: 'a.ply' }));
    expect(bad.code).toBe('bad-value');
    expect(bad.message).toMatch(/^a\.ply: PLY element "vertex" field "z" at byte \d+ \(line \d+\): "two" is not a number/);
  });

  it('bad header lines are reported with their line', () => {
    expect(caught(() => readPly(text('ply\nformat ascii 1.0\nelement vertex 1\nproperty flaot x\nend_header\n1\n'))).message).toMatch(/unknown property type "flaot"/);
    expect(caught(() => readPly(text('ply\nformat ascii 1.0\nelement vertex 1\n'))).message).toMatch(/no "end_header" line/);
    expect(caught(() => readPcd(text('VERSION .7\nFIELDS x y\nSIZE 4\nTYPE F F\nWIDTH 1\nDATA ascii\n1 2\n'))).message).toMatch(/SIZE has 1 entries but FIELDS has 2/);
    expect(caught(() => readPcd(text('VERSION .7\nFIELDS x\nSIZE 2\nTYPE F\nWIDTH 1\nDATA ascii\n1\n'))).code).toBe('unsupported');
    expect(caught(() => readOff(text('OFF\n3 1 0\n0 0 0\n1 0 0\n0 1 0\n3 0 1 7\n'), { fileName: 'f.off' })).message).toMatch(/face 0 .* refers to vertex 7 but there are only 3 vertices/);
  });

  it('XYZ lines must agree on their column count', () => {
    const e = caught(() => readXyz(text('1 2 3\n4 5 6 7\n'), { fileName: 'x.xyz' }));
    expect(e.message).toMatch(/^x\.xyz: XYZ element "point 1" at byte \d+ \(line 2\): line has more than 3 values/);
    expect(caught(() => readXyz(text('1 2 3\n4 5\n'))).message).toMatch(/line ends early/);
  });

  it('unknown formats are refused', async () => {
    const e = await caughtAsync(readPointCloud(new Uint8Array([0, 1, 2, 3, 0, 0]), { fileName: 'x.bin' }));
    expect(e.code).toBe('unsupported');
  });
});

describe('non-finite coordinates', () => {
  const ply = 'ply\nformat ascii 1.0\nelement vertex 4\nproperty float x\nproperty float y\nproperty float z\nproperty uchar label\nelement face 2\nproperty list uchar int vertex_indices\nend_header\n' +
    '0 0 0 1\nnan 1 0 2\n1 0 inf 3\n0 1 0 4\n3 0 1 3\n3 0 3 2\n';

  it('are dropped by default, with a warning; faces using them go too', () => {
    const { cloud, warnings } = readPly(text(ply), { fileName: 'n.ply' });
    expect(Array.from(cloud.positions)).toEqual([0, 0, 0, 0, 1, 0]);
    expect(Array.from(cloud.labels!)).toEqual([1, 4]);
    expect(cloud.faces).toHaveLength(0);
    expect(warnings).toEqual(['n.ply: dropped 2 of 4 points with NaN/Infinite coordinates (first: point 1 (NaN, 1, 0))']);
  });

  it("throw with nonFinite: 'error'", () => {
    const e = caught(() => readPly(text(ply), { fileName: 'n.ply', nonFinite: 'error' }));
    expect(e.code).toBe('non-finite');
    expect(e.message).toMatch(/point 1 has a non-finite coordinate \(NaN, 1, 0\); 2 of 4 points/);
  });

  it('organised PCD clouds with NaN points load their valid points', () => {
    const pcd = 'VERSION .7\nFIELDS x y z\nSIZE 4 4 4\nTYPE F F F\nCOUNT 1 1 1\nWIDTH 2\nHEIGHT 2\nPOINTS 4\nDATA ascii\n1 2 3\nnan nan nan\n4 5 6\nnan nan nan\n';
    const { cloud, warnings } = readPcd(text(pcd));
    expect(Array.from(cloud.positions)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(warnings).toHaveLength(1);
  });

  it('a cloud of only NaN points is empty', () => {
    expect(caught(() => readXyz(text('nan nan nan\n'))).message).toMatch(/contains no finite points/);
  });
});

describe('size caps', () => {
  it('maxPoints is checked against the header', () => {
    const e = caught(() => readPly(writePly({ positions: new Float32Array(30) }), { maxPoints: 5, fileName: 'c.ply' }));
    expect(e.code).toBe('limit');
    expect(e.message).toMatch(/header claims 10 vertices, more than maxPoints = 5/);
    expect(caught(() => readXyz(text('1 2 3\n'.repeat(6)), { maxPoints: 5 })).code).toBe('limit');
  });

  it('maxBytes is checked before parsing', async () => {
    const e = await caughtAsync(readPointCloud(fixture('sphere.ply'), { maxBytes: 1000, fileName: 's.ply' }));
    expect(e.code).toBe('limit');
  });

  it('option values are validated', () => {
    expect(caught(() => readPly(fixture('sphere.ply'), { nonFinite: 'ignore' as 'drop' })).code).toBe('invalid-argument');
  });
});

describe('PointCloudError messages', () => {
  it('read "file: FORMAT element field at byte (line): detail (expected …)" and omit what is unknown', () => {
    expect(new PointCloudError('bad-value', 'x', { fileName: 'a', format: 'ply', element: 'vertex', field: 'z', offset: 3, line: 2, expected: 'y' }).message).toBe(
      'a: PLY element "vertex" field "z" at byte 3 (line 2): x (expected y)',
    );
    expect(new PointCloudError('invalid-argument', 'bad').message).toBe('<buffer>: bad');
  });
});
