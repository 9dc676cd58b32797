import { describe, expect, it } from 'vitest';
import { detectFormat, formatFromFileName } from './detect-format.js';
import { readPointCloud } from './read-point-cloud.js';
import { fixture, fixtureNames } from './test/fixtures.js';

describe('detectFormat', () => {
  it('recognises every test file from its bytes alone', () => {
    for (const f of fixtureNames()) {
      const expected = formatFromFileName(f);
      expect([f, detectFormat(fixture(f))]).toEqual([f, expected]);
    }
  });

  it('falls back to the extension, then to text', () => {
    expect(formatFromFileName('a/b/lion.COPC.LAZ')).toBe('laz');
    expect(detectFormat(new TextEncoder().encode('1 2 3\n'), 'cloud.csv')).toBe('xyz');
    expect(detectFormat(new TextEncoder().encode('1 2 3\n'))).toBe('xyz');
    expect(detectFormat(new Uint8Array([0, 159, 146, 150]))).toBeUndefined();
  });

  it('trusts the content over a wrong extension, with a warning', async () => {
    const { cloud, warnings } = await readPointCloud(fixture('diamond.ply'), { fileName: 'diamond.pcd' });
    expect(cloud.format).toBe('ply');
    expect(warnings).toEqual(['diamond.pcd: content is PLY, not what the extension suggests (PCD)']);
  });
});
