import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ParseContext } from '../context.js';
import { PointCloudError } from '../errors.js';
import { expectSameArray } from '../test/same-array.js';
import { lzfCompress, lzfDecompress } from './lzf.js';

const ctx = new ParseContext('pcd', { fileName: 'lzf.bin' });

// Low-entropy data (runs and repeats) exercises back references; random bytes exercise literals.
const arbData = fc.oneof(
  fc.uint8Array({ maxLength: 3000 }),
  fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 400 })), { maxLength: 40 }).map((runs) => Uint8Array.from(runs.flatMap(([v, n]) => new Array<number>(n).fill(v)))),
  fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 50 }), fc.integer({ min: 1, max: 200 })).map(([unit, n]) => Uint8Array.from({ length: unit.length * n }, (_, i) => unit[i % unit.length])),
);

describe('LZF', () => {
  it('decompress(compress(x)) = x', () => {
    fc.assert(
      fc.property(arbData, (data) => {
        const packed = lzfCompress(data);
        expectSameArray(lzfDecompress(packed, data.length, ctx), data);
      }),
      { numRuns: 300 },
    );
  });

  it('compresses runs and decodes overlapping back references', () => {
    const zeros = new Uint8Array(12000);
    const packed = lzfCompress(zeros);
    expect(packed.length).toBeLessThan(200);
    expectSameArray(lzfDecompress(packed, zeros.length, ctx), zeros);
    // liblzf stream: literal "ab", then copy 8 bytes from distance 2 ("abababab").
    expect(Array.from(lzfDecompress(new Uint8Array([1, 97, 98, (6 << 5) | 0, 1]), 10, ctx))).toEqual([97, 98, 97, 98, 97, 98, 97, 98, 97, 98]);
  });

  it('rejects corrupt streams with a located error', () => {
    const cases: [number[], number, RegExp][] = [
      [[5, 1, 2], 6, /literal run of 6 bytes passes the end of the input/],
      [[0, 1, 0x20, 5], 10, /back reference points 5 bytes before the start/],
      [[0, 1, 0xe0], 10, /length passes the end/],
      [[3, 1, 2, 3, 4], 2, /output would exceed the expected 2 bytes/],
      [[0, 1], 5, /decoded 1 bytes, expected 5/],
    ];
    for (const [bytes, len, re] of cases) {
      let err: unknown;
      try {
        lzfDecompress(Uint8Array.from(bytes), len, ctx, 100);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(PointCloudError);
      expect((err as PointCloudError).code).toBe('corrupt');
      expect((err as PointCloudError).message).toMatch(re);
      expect((err as PointCloudError).offset).toBeGreaterThanOrEqual(100);
    }
  });

  it('random bytes either decode or throw PointCloudError, and never run long', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.integer({ min: 0, max: 100000 }), (bytes, len) => {
        try {
          expect(lzfDecompress(bytes, len, ctx).length).toBe(len);
        } catch (e) {
          expect(e).toBeInstanceOf(PointCloudError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
