import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readPointCloudFile } from '@heed/pointcloud-io/node';
import { createProgram } from '../program.js';
import { registerConvertCommand } from './convert.js';
import { exitCodeFor } from '../errors.js';

const dataDir = fileURLToPath(new URL('../../../pointcloud-io/test-data/', import.meta.url));
const outDir = mkdtempSync(join(tmpdir(), 'heed-convert-'));
const convert = (...args: string[]) => {
  const program = createProgram([registerConvertCommand]);
  program.commands.forEach((c) => c.configureOutput({ writeErr: () => {} }));
  return program.parseAsync(['node', 'heed', 'convert', ...args]);
};

describe('heed convert', () => {
  it('keeps every point and its colours from PCD to PLY to CSV', async () => {
    const source = (await readPointCloudFile(`${dataDir}pcdrs_binary.pcd`)).cloud;
    await convert(`${dataDir}pcdrs_binary.pcd`, join(outDir, 'a.ply'));
    await convert(join(outDir, 'a.ply'), join(outDir, 'a.csv'));
    const back = (await readPointCloudFile(join(outDir, 'a.csv'))).cloud;
    expect(back.positions).toEqual(source.positions);
  });

  it('samples a mesh over its surface and a cloud by farthest point sampling', async () => {
    await convert(`${dataDir}sofa.ply`, join(outDir, 'sofa.pcd'), '--sample', '500', '--seed', '3');
    const mesh = (await readPointCloudFile(join(outDir, 'sofa.pcd'))).cloud;
    expect(mesh.positions.length).toBe(1500);
    expect(mesh.faces).toBeUndefined();
    await convert(`${dataDir}bunny.pcd`, join(outDir, 'bunny.xyz'), '--sample', '100');
    const bunny = (await readPointCloudFile(`${dataDir}bunny.pcd`)).cloud;
    const sampled = (await readPointCloudFile(join(outDir, 'bunny.xyz'))).cloud;
    expect(sampled.positions.length).toBe(300);
    // Farthest point sampling starts at point 0.
    expect(Array.from(sampled.positions.subarray(0, 3))).toEqual(Array.from(bunny.positions.subarray(0, 3)));
  });

  it('refuses a bad --sample as a usage error and an unknown extension as bad input', async () => {
    expect(exitCodeFor(await convert(`${dataDir}bunny.pcd`, join(outDir, 'x.ply'), '--sample', '-3').catch((e) => e))).toBe(2);
    const unknown = await convert(`${dataDir}bunny.pcd`, join(outDir, 'x.foo')).catch((e: Error) => e);
    expect(exitCodeFor(unknown)).toBe(1);
    expect((unknown as Error).message).toMatch(/x\.foo.*extension/);
  });
});
