import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readPointCloudFile, writePointCloudFile } from './node.js';
import { TEST_DATA } from './test/fixtures.js';

const SRC = fileURLToPath(new URL('.', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('node entry', () => {
  it('reads a file by path, naming it in messages', async () => {
    const { cloud } = await readPointCloudFile(join(TEST_DATA, 'diamond.ply'));
    expect(cloud.positions).toHaveLength(18);
    await expect(readPointCloudFile(join(TEST_DATA, 'bunny.ply'), { maxBytes: 1000 })).rejects.toThrow(/bunny\.ply.*more than maxBytes = 1000/);
  });

  it('writes by extension and reads back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pcio-'));
    const cloud = { positions: new Float32Array([0, 0, 0, 1, 2, 3]), labels: new Int32Array([4, 5]) };
    for (const ext of ['ply', 'pcd', 'xyz', 'csv', 'las']) {
      const path = join(dir, `out.${ext}`);
      await writePointCloudFile(path, cloud);
      const back = (await readPointCloudFile(path)).cloud;
      expect(Array.from(back.labels!)).toEqual([4, 5]);
    }
    expect(readFileSync(join(dir, 'out.csv'), 'latin1')).toContain('0,0,0,4');
    await expect(writePointCloudFile(join(dir, 'out.laz'), cloud)).rejects.toThrow(/extension/);
  });

  it('keeps the core free of Node APIs (only node.ts and tests may use them)', () => {
    const offenders = sources(SRC)
      .filter((f) => !f.endsWith('.test.ts') && !f.endsWith('node.ts') && !f.includes(`${join('src', 'test')}`))
      .filter((f) => /from 'node:|require\(|\bprocess\.|\bBuffer\b|__dirname/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(SRC, f));
    expect(offenders).toEqual([]);
  });
});
