import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createProgram } from '../program.js';
import { registerInfoCommand } from './info.js';

const dataDir = fileURLToPath(new URL('../../../pointcloud-io/test-data/', import.meta.url));
const bin = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));

/** Rows of the table in test-data/SOURCES.md: | file | format | points / faces | … */
function expectedCounts(): { file: string; points: number }[] {
  return readFileSync(`${dataDir}SOURCES.md`, 'utf8').split('\n')
    .map((line) => line.split('|').map((c) => c.trim()))
    .filter((cells) => cells.length > 4 && /\.(ply|pcd|xyz|off|las|laz)$/.test(cells[1]!))
    .map((cells) => ({ file: cells[1]!, points: Number(cells[3]!.split('/')[0]!.replace(/[()]/g, '').trim()) }));
}

async function infoJson(file: string): Promise<Record<string, unknown>> {
  let out = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string) => { out += chunk; return true; }) as typeof process.stdout.write;
  try {
    await createProgram([registerInfoCommand]).parseAsync(['node', 'heed', 'info', '--json', `${dataDir}${file}`]);
  } finally {
    process.stdout.write = write;
  }
  return JSON.parse(out) as Record<string, unknown>;
}

describe('heed info --json', () => {
  const rows = expectedCounts().filter((r) => r.file !== 'pcdrs_corrupt_compressed.pcd');
  it('knows all the real files', () => expect(rows.length).toBe(45));

  it.for(rows)('$file: $points points', async ({ file, points }) => {
    const info = await infoJson(file);
    expect(info.points).toBe(points);
    expect(['ply', 'pcd', 'xyz', 'off', 'las']).toContain(info.format);
    expect(info.attributes).toContain('position');
    const { min, max } = info.bounds as { min: number[]; max: number[] };
    if (points > 0) min.forEach((m, i) => expect(m).toBeLessThanOrEqual(max[i]!));
  });
});

describe('the heed binary', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

  it('exits 1 with one line naming the file for the corrupt PCD', () => {
    const r = run('info', '--json', `${dataDir}pcdrs_corrupt_compressed.pcd`);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^heed: \S*pcdrs_corrupt_compressed\.pcd: /);
  });

  it('fails at once on a PLY header claiming 2^32-1 vertices over a 10-byte body', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'heed-')), 'test-output-huge.ply');
    const header = 'ply\nformat binary_little_endian 1.0\nelement vertex 4294967295\nproperty float x\nproperty float y\nproperty float z\nend_header\n';
    writeFileSync(file, Buffer.concat([Buffer.from(header), Buffer.alloc(10)]));
    const started = Date.now();
    const r = run('info', file);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^heed: \S*test-output-huge\.ply: .*vertex/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 2 on usage errors and 1 on a missing file', () => {
    expect(run('info').status).toBe(2);
    expect(run('--no-such-option').status).toBe(2);
    const missing = run('info', '/no/such/file.ply');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/^heed: \/no\/such\/file\.ply: cannot read the file \(ENOENT\)/);
  });
});
