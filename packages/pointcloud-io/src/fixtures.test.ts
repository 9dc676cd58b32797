import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PointCloudError } from './errors.js';
import { readLas } from './las/read-las.js';
import { pointCount } from './point-cloud.js';
import { readPointCloud } from './read-point-cloud.js';
import { fixture, fixtureNames, TEST_DATA } from './test/fixtures.js';
import { expectSameArray } from './test/same-array.js';

interface Expected {
  file: string;
  points: number;
  faces?: number;
  bytes: number;
}

/** The table in test-data/SOURCES.md: file, format, "points / faces", bytes, … */
function expectations(): Expected[] {
  const rows = readFileSync(TEST_DATA + 'SOURCES.md', 'utf8').split('\n').filter((l) => /^\| [\w.-]+\.(ply|pcd|xyz|off|las|laz) \|/.test(l));
  return rows.map((row) => {
    const cells = row.split('|').map((c) => c.trim());
    const [points, faces] = cells[3].split('/').map((c) => c.trim().replace(/[()]/g, ''));
    return { file: cells[1], points: Number(points), faces: faces !== undefined && /^\d+$/.test(faces) ? Number(faces) : undefined, bytes: Number(cells[4]) };
  });
}

const table = expectations();

describe('every file in test-data loads with the counts in SOURCES.md', () => {
  it('the table lists every data file once', () => {
    expect(table.map((e) => e.file).sort()).toEqual(fixtureNames());
    expect(table).toHaveLength(46);
  });

  for (const e of table) {
    if (e.file === 'pcdrs_corrupt_compressed.pcd' || e.file === 'pcdrs_empty_compressed.pcd') continue;
    it(`${e.file}: ${e.points} points${e.faces !== undefined ? ` / ${e.faces} faces` : ''}`, async () => {
      const bytes = fixture(e.file);
      expect(bytes.byteLength).toBe(e.bytes);
      const { cloud } = await readPointCloud(bytes, { fileName: e.file });
      expect(pointCount(cloud)).toBe(e.points);
      expect(cloud.bounds).toBeDefined();
      if (e.faces !== undefined && e.faces > 0) {
        const declared = cloud.format === 'off' ? cloud.metadata?.faceCount : (cloud.metadata?.elements as { name: string; count: number }[]).find((el) => el.name === 'face')?.count;
        expect(declared).toBe(e.faces);
        expect(cloud.faces!.length / 3).toBeGreaterThanOrEqual(e.faces);
      }
    });
  }

  it('the corrupt PCD fails cleanly with a PointCloudError naming the file and the problem', async () => {
    const err = await readPointCloud(fixture('pcdrs_corrupt_compressed.pcd'), { fileName: 'pcdrs_corrupt_compressed.pcd' }).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(PointCloudError);
    const e = err as PointCloudError;
    expect(e.code).toBe('corrupt');
    expect(e.fileName).toBe('pcdrs_corrupt_compressed.pcd');
    expect(e.element).toBe('DATA');
    expect(e.offset).toBeGreaterThan(0);
    expect(e.message).toMatch(/^pcdrs_corrupt_compressed\.pcd: PCD element "DATA" at byte \d+: uncompressed size 200/);
  });

  it('the empty PCD is refused with a clear message unless allowEmpty is set', async () => {
    const bytes = fixture('pcdrs_empty_compressed.pcd');
    await expect(readPointCloud(bytes, { fileName: 'empty.pcd' })).rejects.toThrow(/empty\.pcd: PCD: contains no points/);
    const { cloud } = await readPointCloud(bytes, { fileName: 'empty.pcd', allowEmpty: true });
    expect(pointCount(cloud)).toBe(0);
  });
});

describe('format details of the real files', () => {
  it('reads the pcd-rs compressed files point by point, with their known values', async () => {
    const { cloud, warnings } = await readPointCloud(fixture('pcdrs_mixed_types_compressed.pcd'), { fileName: 'm.pcd' });
    expect(Array.from(cloud.positions)).toEqual([1, 2, 0, Math.fround(3.14), Math.fround(2.718), 0]);
    expect(Array.from(cloud.intensity!)).toEqual([255, 128]);
    expect(Array.from(cloud.labels!)).toEqual([-42, 12345]);
    expect(warnings.join()).toMatch(/point by point/);
    const large = (await readPointCloud(fixture('pcdrs_large_compressed.pcd'))).cloud;
    for (const i of [0, 1000, 9999]) {
      expect(large.positions[3 * i]).toBeCloseTo(i * 0.1, 2);
      expect(large.positions[3 * i + 1]).toBeCloseTo(Math.sin(i * 0.2), 3);
      expect(large.positions[3 * i + 2]).toBeCloseTo(Math.cos(i * 0.3), 3);
    }
  });

  it('unpacks PCD rgb (float in ascii, uint in binary) and tolerates trailing bytes', async () => {
    const simple = (await readPointCloud(fixture('simple.pcd'))).cloud;
    const bits = new Uint32Array(new Float32Array([4.2108e6]).buffer)[0];
    expect(Array.from(simple.colors!.slice(0, 3))).toEqual([(bits >> 16) & 255, (bits >> 8) & 255, bits & 255]);
    const { warnings } = await readPointCloud(fixture('pcdrs_binary.pcd'), { fileName: 'b.pcd' });
    expect(warnings).toEqual(['b.pcd: ignored 3914 bytes after the point data']);
  });

  it('keeps unknown PLY properties (bool, confidence) as fields and maps intensity', async () => {
    const bool = (await readPointCloud(fixture('diamond_with_bool.ply'))).cloud;
    expect(bool.fields!.is_green).toBeInstanceOf(Uint8Array);
    expect(bool.normals).toHaveLength(18);
    const bunny = (await readPointCloud(fixture('bunny.ply'))).cloud;
    expect(Object.keys(bunny.fields!)).toEqual(['confidence']);
    expect(bunny.intensity).toHaveLength(35947);
  });

  it('unrolls tristrips into valid triangles', async () => {
    const { cloud } = await readPointCloud(fixture('elephant.ply'));
    expect(cloud.faces!.length % 3).toBe(0);
    expect(cloud.faces!.length).toBeGreaterThan(3 * 19753);
    const f = cloud.faces!;
    let degenerate = 0;
    for (let t = 0; t < f.length; t += 3) if (f[t] === f[t + 1] || f[t + 1] === f[t + 2] || f[t] === f[t + 2]) degenerate++;
    expect(degenerate).toBe(0);
  });

  it('reads OFF quirks: counts on the OFF line, comments, quads, COFF colours', async () => {
    const bath = (await readPointCloud(fixture('bathtub_0001.off'))).cloud;
    expect(bath.variant).toBe('OFF');
    const cube = (await readPointCloud(fixture('comments.off'))).cloud;
    expect(cube.faces).toHaveLength(12 * 3);
    const coff = (await readPointCloud(fixture('diamond_color.off'))).cloud;
    expect(coff.colors).toBeInstanceOf(Uint8Array);
    expect(Array.from(coff.colors!.slice(0, 4))).toEqual([255, 0, 0, 255]);
  });

  it('reads XYZ with Fortran exponents and six-column normals', async () => {
    const helix = (await readPointCloud(fixture('helix_201.xyz'))).cloud;
    expect(helix.positions[3 * 6 + 1]).toBeCloseTo(4.5183171e-2, 7);
    const d = (await readPointCloud(fixture('diamond.xyz'))).cloud;
    expect(Array.from(d.normals!.slice(0, 3))).toEqual([0, -1, 0]);
  });
});

describe('LAS/LAZ: loaders.gl and the built-in decoder agree on every file loaders.gl reads', () => {
  const lasFiles = table.filter((e) => /\.la[sz]$/.test(e.file));
  for (const e of lasFiles) {
    it(`${e.file}`, async () => {
      const bytes = fixture(e.file);
      const builtin = (await readLas(bytes, { fileName: e.file, lasDecoder: 'builtin' })).cloud;
      expect(pointCount(builtin)).toBe(e.points);
      const viaLoaders = /PDRF [0-3]$/.test(builtin.variant!) && builtin.metadata?.version !== '1.4';
      const auto = (await readLas(bytes, { fileName: e.file, lasDecoder: viaLoaders ? 'loaders.gl' : 'auto' })).cloud;
      if (viaLoaders) {
        expect(auto.metadata?.decoder).toBe('loaders.gl');
        expectSameArray(auto.positions, builtin.positions, 'positions');
        expectSameArray(auto.colors, builtin.colors, 'colors');
        expectSameArray(auto.intensity, builtin.intensity, 'intensity');
        expectSameArray(auto.labels, builtin.labels, 'labels');
      }
      const meta = builtin.metadata as { headerBounds: { min: number[]; max: number[] }; scale: number[] };
      for (let k = 0; k < 3; k++) {
        const tol = meta.scale[k] + 1e-6 * Math.abs(meta.headerBounds.max[k]);
        expect(builtin.bounds!.min[k]).toBeGreaterThanOrEqual(meta.headerBounds.min[k] - tol);
        expect(builtin.bounds!.max[k]).toBeLessThanOrEqual(meta.headerBounds.max[k] + tol);
      }
    });
  }

  it('uses loaders.gl for LAS 1.2 and laz-perf for LAZ, 1.4 and COPC', async () => {
    const dec = async (f: string): Promise<unknown> => (await readLas(fixture(f))).cloud.metadata?.decoder;
    expect(await dec('simple.las')).toBe('loaders.gl');
    expect(await dec('simple.laz')).toBe('builtin+laz-perf');
    expect(await dec('potree_lion_ept_laz14_0-0-0-0.laz')).toBe('builtin+laz-perf');
    const copc = (await readLas(fixture('lion_takanawa.copc.laz'))).cloud;
    expect(copc.variant).toBe('LAZ 1.4 PDRF 7 COPC');
    await expect(readLas(fixture('lion_takanawa.copc.laz'), { lasDecoder: 'loaders.gl' })).rejects.toThrow(/does not read LAS 1\.4/);
  });

  it('the LAZ 1.2 and 1.4 EPT tiles hold the same points', async () => {
    const a = (await readLas(fixture('potree_lion_ept_laz12_0-0-0-0.laz'))).cloud;
    const b = (await readLas(fixture('potree_lion_ept_laz14_0-0-0-0.laz'))).cloud;
    expectSameArray(a.positions, b.positions, 'positions');
    expectSameArray(a.colors, b.colors, 'colors');
  });
});
