import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PointCloudError } from './errors.js';
import { readPointCloud } from './read-point-cloud.js';
import { fixture } from './test/fixtures.js';

// Small real files of every format and variant (the LAZ ones exercise laz-perf and its recovery).
const FILES = [
  'diamond.ply', 'diamond_ascii.ply', 'icosahedron.ply', 'diamond_with_bool.ply', 'points_ascii.ply',
  'simple.pcd', 'pcdrs_test_v06_binary.pcd', 'pcdrs_highly_compressed.pcd', 'pcdrs_mixed_types_compressed.pcd', 'pcdrs_test_v05_ascii.pcd',
  'diamond.xyz', 'comments.off', 'diamond_color.off', 'bathtub_0002.off',
  'diamond.las', 'has_offsets.las', 'diamond.laz', 'simple.laz',
];
const BYTES = new Map(FILES.map((f) => [f, fixture(f)]));

/** A file with some bytes overwritten, some inserted or removed, and possibly truncated. */
const arbMutant = fc
  .record({
    file: fc.constantFrom(...FILES),
    edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('set', 'insert', 'delete', 'digit')), { minLength: 1, maxLength: 8 }),
    cut: fc.option(fc.nat(), { nil: undefined }),
  })
  .map(({ file, edits, cut }) => {
    const bytes = Array.from(BYTES.get(file)!);
    for (const [pos, value, op] of edits) {
      const i = pos % Math.max(1, bytes.length);
      if (op === 'set') bytes[i] = value;
      else if (op === 'insert') bytes.splice(i, 0, value);
      else if (op === 'delete') bytes.splice(i, 1);
      else bytes[i] = 48 + (value % 10); // digits: bends counts in text headers
    }
    const out = Uint8Array.from(cut === undefined ? bytes : bytes.slice(0, cut % (bytes.length + 1)));
    return { file, bytes: out };
  });

describe('mutated and truncated real files', () => {
  it('never hang and only ever throw PointCloudError (300 cases)', async () => {
    let slowest = 0;
    let failures = 0;
    await fc.assert(
      fc.asyncProperty(arbMutant, async ({ file, bytes }) => {
        const t = performance.now();
        try {
          await readPointCloud(bytes, { fileName: file, maxPoints: 1_000_000 });
        } catch (e) {
          failures++;
          if (!(e instanceof PointCloudError)) throw new Error(`${file}: ${String(e)}`, { cause: e });
          expect(e.message.startsWith(`${file}:`)).toBe(true);
        }
        slowest = Math.max(slowest, performance.now() - t);
      }),
      { numRuns: 300 },
    );
    expect(slowest).toBeLessThan(2000);
    expect(failures).toBeGreaterThan(0);
  });

  it('every prefix of a small file of each format fails cleanly or loads', async () => {
    for (const f of ['diamond.ply', 'diamond_ascii.ply', 'pcdrs_mixed_types_compressed.pcd', 'diamond_color.off', 'diamond.las', 'diamond.laz']) {
      const bytes = BYTES.get(f)!;
      for (let n = 0; n < bytes.length; n++) {
        try {
          await readPointCloud(bytes.subarray(0, n), { fileName: f });
        } catch (e) {
          if (!(e instanceof PointCloudError)) throw new Error(`${f} cut at ${n}: ${String(e)}`, { cause: e });
        }
      }
    }
  });
});
