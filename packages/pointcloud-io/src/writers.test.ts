import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readLas } from './las/read-las.js';
import { writeLas } from './las/write-las.js';
import { readPcd } from './pcd/read-pcd.js';
import { writePcd } from './pcd/write-pcd.js';
import { readPly } from './ply/read-ply.js';
import { writePly } from './ply/write-ply.js';
import { readPointCloud } from './read-point-cloud.js';
import { arbCloud } from './test/arbitraries.js';
import { expectSameCloud } from './test/compare.js';
import { expectSameArray } from './test/same-array.js';
import { formatFloat32 } from './text/format-number.js';
import { readXyz } from './xyz/read-xyz.js';
import { writeXyz } from './xyz/write-xyz.js';
import { writePointCloud } from './write-point-cloud.js';

const RUNS = { numRuns: 60 };

describe('write → read round trips (fast-check)', () => {
  for (const format of ['ascii', 'binary_little_endian', 'binary_big_endian'] as const) {
    it(`PLY ${format}: everything exact, faces included`, () => {
      fc.assert(
        fc.property(arbCloud({ faces: true, floatColors: true }), (cloud) => {
          const { cloud: back } = readPly(writePly(cloud, { format }), { fileName: `rt.${format}.ply` });
          expect(back.variant).toBe(format);
          expectSameCloud(cloud, back, { faces: true });
        }),
        RUNS,
      );
    });
  }

  for (const format of ['ascii', 'binary', 'binary_compressed'] as const) {
    it(`PCD ${format}: exact, float colours quantised to bytes`, () => {
      fc.assert(
        fc.property(arbCloud({ floatColors: true }), (cloud) => {
          const { cloud: back } = readPcd(writePcd(cloud, { format }), { fileName: `rt.${format}.pcd` });
          expect(back.variant).toBe(format);
          expectSameCloud(cloud, back, { quantisedColors: true });
        }),
        RUNS,
      );
    });
  }

  for (const delimiter of [' ', ','] as const) {
    it(`XYZ (delimiter ${JSON.stringify(delimiter)}): exact positions and colours, fields as float32`, () => {
      fc.assert(
        fc.property(arbCloud(), (cloud) => {
          const { cloud: back } = readXyz(writeXyz(cloud, { delimiter }), { fileName: 'rt.xyz' });
          expectSameCloud(cloud, back, { fieldsAsFloat32: true });
        }),
        RUNS,
      );
    });
  }

  for (const version of ['1.2', '1.4'] as const) {
    it(`LAS ${version}: positions within the quantisation step, colours and labels kept`, async () => {
      await fc.assert(
        fc.asyncProperty(arbCloud({ bounded: true }), async (cloud) => {
          const bytes = writeLas(cloud, { version });
          const { cloud: back } = await readLas(bytes, { fileName: 'rt.las' });
          const scale = back.metadata!.scale as number[];
          for (let i = 0; i < cloud.positions.length; i++) {
            expect(Math.abs(back.positions[i] - cloud.positions[i])).toBeLessThanOrEqual(scale[i % 3] / 2 + Math.abs(cloud.positions[i]) * 2 ** -23);
          }
          if (cloud.colors) {
            const ch = cloud.colors.length / (cloud.positions.length / 3);
            expectSameArray(back.colors, Array.from({ length: back.colors!.length }, (_, j) => cloud.colors![Math.floor(j / 3) * ch + (j % 3)]), 'colors');
          }
          const mask = version === '1.2' ? 0x1f : 0xff;
          expectSameArray(back.labels, Array.from(cloud.labels ?? new Int32Array(back.labels!.length), (v) => v & mask), 'labels');
          if (version === '1.2') {
            const viaLoaders = (await readLas(bytes, { lasDecoder: 'loaders.gl' })).cloud;
            expectSameArray(viaLoaders.positions, back.positions, 'loaders.gl positions');
            expectSameArray(viaLoaders.colors, back.colors, 'loaders.gl colors');
          }
        }),
        { numRuns: 25 },
      );
    });
  }
});

describe('writers', () => {
  const tri = { positions: new Float32Array([0, 0, 0, 1, 0, 0, 0, 1, 0]), colors: new Uint8Array([255, 0, 0, 0, 255, 0, 0, 0, 255]), faces: new Uint32Array([0, 1, 2]) };

  it('write a readable PLY header', () => {
    const text = new TextDecoder().decode(writePly(tri, { format: 'ascii', comments: ['hello'] }));
    expect(text).toBe(
      'ply\nformat ascii 1.0\ncomment written by @heed/pointcloud-io\ncomment hello\nelement vertex 3\nproperty float x\nproperty float y\nproperty float z\n' +
        'property uchar red\nproperty uchar green\nproperty uchar blue\nelement face 1\nproperty list uchar uint vertex_indices\nend_header\n' +
        '0 0 0 255 0 0\n1 0 0 0 255 0\n0 1 0 0 0 255\n3 0 1 2\n',
    );
  });

  it('pack PCD colours PCL-style: rgb as a finite float in ascii', () => {
    const text = new TextDecoder().decode(writePcd(tri, { format: 'ascii' }));
    expect(text).toContain('FIELDS x y z rgb\nSIZE 4 4 4 4\nTYPE F F F F\n');
    const rgb = text.trim().split('\n').slice(-3).map((l) => Number(l.split(' ')[3]));
    expect(rgb.every(Number.isFinite)).toBe(true);
    expect(new Uint32Array(Float32Array.from(rgb).buffer)[0]).toBe(0xff0000);
  });

  it('write XYZ with a column comment that other readers skip', () => {
    expect(new TextDecoder().decode(writeXyz({ positions: new Float32Array([0.1, -0, 1e-7]) }))).toBe('# x y z\n0.1 -0 1e-7\n');
    expect(new TextDecoder().decode(writeXyz(tri, { delimiter: ',', header: 'none', positionsOnly: true }))).toBe('0,0,0\n1,0,0\n0,1,0\n');
  });

  it('print the shortest text that reads back to the same float32', () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true, noDefaultInfinity: true }), (v) => {
        const s = formatFloat32(v);
        expect(Object.is(Math.fround(Number(s)), v)).toBe(true);
        expect(s.replace(/^-|e.*$|\./g, '').replace(/^0+/, '').replace(/0+$/, '').length).toBeLessThanOrEqual(9);
      }),
      { numRuns: 500 },
    );
  });

  it('dispatch by format and round-trip through readPointCloud', async () => {
    for (const options of [{ format: 'ply', variant: 'ascii' }, { format: 'pcd', variant: 'binary_compressed' }, { format: 'xyz' }, { format: 'las', version: '1.4' }] as const) {
      const { cloud } = await readPointCloud(writePointCloud(tri, options));
      expect(cloud.format === options.format || (cloud.format === 'las' && options.format === 'las')).toBe(true);
      expect(Array.from(cloud.colors!)).toEqual(Array.from(tri.colors));
    }
  });

  it('refuse inconsistent clouds with invalid-argument', () => {
    expect(() => writePly({ positions: new Float32Array(6), labels: new Int32Array(3) })).toThrow(/labels\.length 3 does not match 2 points/);
    expect(() => writePcd({ positions: new Float32Array(3), faces: new Uint32Array([0, 1, 2]) })).toThrow(/out of range/);
  });
});
