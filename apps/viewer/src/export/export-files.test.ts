import fc from 'fast-check';
import { readPly } from '@heed/pointcloud-io';
import { describe, expect, it } from 'vitest';
import { attentionCsv, attentionJson, coloredPly, exportFileName, float32Text, plyPropertyName } from './export-files.js';

const f32 = fc.float({ noNaN: true, noDefaultInfinity: true });
const cloud = fc.integer({ min: 0, max: 40 }).chain((n) => fc.record({
  positions: fc.array(f32, { minLength: 3 * n, maxLength: 3 * n }).map((a) => new Float32Array(a)),
  colors: fc.uint8Array({ minLength: 3 * n, maxLength: 3 * n }),
  values: fc.array(f32, { minLength: n, maxLength: n }).map((a) => new Float32Array(a)),
}));
const meta = { model: 'pct-classification', layer: 1, head: 0, query: 700, mode: 'query', colormap: 'viridis' };

/** Bitwise equality, so -0 and 0 (and every float32) must come back exactly. */
const sameBits = (a: Float32Array, b: ArrayLike<number>): void => {
  expect(b.length).toBe(a.length);
  expect(Array.from(new Uint32Array(Float32Array.from(b).buffer))).toEqual(Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length)));
};

describe('coloredPly', () => {
  it('round-trips positions, colours and the scalar field through readPly, float32-exact', () => {
    fc.assert(fc.property(cloud, ({ positions, colors, values }) => {
      if (positions.length === 0) return; // readPly refuses empty clouds unless asked
      const bytes = coloredPly({ positions, colors, values, valueName: 'attention' });
      expect(new TextDecoder().decode(bytes.subarray(0, 40))).toMatch(/^ply\nformat binary_little_endian 1\.0\n/);
      const { cloud: back, warnings } = readPly(bytes);
      expect(warnings).toEqual([]);
      sameBits(positions, back.positions);
      expect(back.colors).toBeInstanceOf(Uint8Array);
      expect(Array.from(back.colors!)).toEqual(Array.from(colors));
      expect(Object.keys(back.fields ?? {})).toEqual(['attention']);
      expect(back.fields!.attention).toBeInstanceOf(Float32Array);
      sameBits(values, back.fields!.attention!);
    }), { numRuns: 100 });
  });

  it('names the property so readers keep it as a scalar field', () => {
    expect(plyPropertyName('mean distance')).toBe('mean_distance');
    expect(plyPropertyName('intensity')).toBe('intensity_value');
    expect(plyPropertyName('')).toBe('value');
    const { cloud: back } = readPly(coloredPly({ positions: new Float32Array(3), colors: new Uint8Array(3), values: new Float32Array([0.25]), valueName: 'Label' }));
    expect(back.labels).toBeUndefined();
    expect(Array.from(back.fields!.Label_value!)).toEqual([0.25]);
  });

  it('refuses mismatched lengths', () => {
    expect(() => coloredPly({ positions: new Float32Array(6), colors: new Uint8Array(6), values: new Float32Array(1), valueName: 'a' })).toThrow(/1 values for 2 points/);
    expect(() => coloredPly({ positions: new Float32Array(6), colors: new Uint8Array(8), values: new Float32Array(2), valueName: 'a' })).toThrow(/colour bytes/);
  });
});

describe('float32Text', () => {
  it('is the shortest text that reads back to the same float32', () => {
    expect(float32Text(Math.fround(0.1))).toBe('0.1');
    expect(float32Text(1)).toBe('1');
    expect(float32Text(-0)).toBe('-0');
    fc.assert(fc.property(f32, (v) => {
      const t = float32Text(v);
      expect(Object.is(Math.fround(Number(t)), Math.fround(v))).toBe(true);
      expect(Number(t).toExponential().replace(/^-|e.*$|\./g, '').length).toBeLessThanOrEqual(9); // significant digits
    }), { numRuns: 2000 });
  });
});

describe('attentionCsv', () => {
  it('writes the meta lines and header, and parses back to the same float32s', () => {
    fc.assert(fc.property(cloud, ({ positions, values }) => {
      const lines = attentionCsv({ positions, values, valueName: 'attention', meta }).split('\n');
      expect(lines.slice(0, 6)).toEqual(['# model: pct-classification', '# layer: 1', '# head: 0', '# query: 700', '# mode: query', '# colormap: viridis']);
      expect(lines[6]).toBe('index,x,y,z,attention');
      expect(lines.at(-1)).toBe('');
      const rows = lines.slice(7, -1).map((l) => l.split(',').map(Number));
      expect(rows.map((r) => r[0])).toEqual(rows.map((_, i) => i));
      sameBits(positions, rows.flatMap((r) => r.slice(1, 4)));
      sameBits(values, rows.map((r) => r[4]!));
    }), { numRuns: 100 });
  });

  it('keeps meta on one line and quotes an awkward value name', () => {
    const csv = attentionCsv({ positions: new Float32Array(3), values: new Float32Array(1), valueName: 'a,b', meta: { note: 'two\nlines' } });
    expect(csv).toBe('# note: two lines\nindex,x,y,z,"a,b"\n0,0,0,0,0\n');
  });
});

describe('attentionJson', () => {
  it('parses back to the meta, the count and the same float32s', () => {
    fc.assert(fc.property(cloud, ({ positions, values }) => {
      const o = JSON.parse(attentionJson({ positions, values, valueName: 'attention', meta })) as Record<string, unknown>;
      expect(Object.keys(o)).toEqual([...Object.keys(meta), 'count', 'xyz', 'attention']);
      expect(o).toMatchObject({ ...meta, count: values.length });
      const xyz = o.xyz as number[][];
      expect(xyz.every((p) => p.length === 3)).toBe(true);
      sameBits(positions, xyz.flat());
      sameBits(values, o.attention as number[]);
    }), { numRuns: 100 });
  });

  it('writes non-finite values as null, and count/xyz are not overridden by meta', () => {
    const o = JSON.parse(attentionJson({ positions: new Float32Array([1, 2, 3]), values: new Float32Array([NaN]), valueName: 'v', meta: { count: 'x', model: 'm' } }));
    expect(o).toEqual({ model: 'm', count: 1, xyz: [[1, 2, 3]], v: [null] });
  });
});

describe('exportFileName', () => {
  it('joins the parts into a safe name', () => {
    expect(exportFileName('bunny', 'pct-classification', 'layer1_query700', 'ply')).toBe('bunny_pct-classification_layer1_query700.ply');
    expect(exportFileName('my scan.las', 'pct', 'attention', '.csv')).toBe('my_scan_pct_attention.csv');
    expect(exportFileName('../../etc/passwd', 'a/b', 'c\\d e', 'json')).toBe('etc_passwd_a_b_c_d_e.json');
    expect(exportFileName('', '', '', 'ply')).toBe('heed-export.ply');
    expect(exportFileName('.hidden', 'm', 'w', 'p l y')).toBe('hidden_m_w.p_l_y');
  });

  it('only ever uses [A-Za-z0-9._-] and never starts with a dot', () => {
    fc.assert(fc.property(fc.string(), fc.string(), fc.string(), fc.string(), (a, b, c, d) => {
      const name = exportFileName(a, b, c, d);
      expect(name).toMatch(/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/);
    }), { numRuns: 500 });
  });
});
