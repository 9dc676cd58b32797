/** Runs `heed` in-process and through the built binary, and the PyTorch parity fixture (tests only). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { writePointCloudFile } from '@heed/pointcloud-io/node';
import { describeError, exitCodeFor } from '../../../errors.js';
import { createProgram } from '../../../program.js';
import { registerOnnxCommands } from '../../onnx/index.js';
import { registerPctCommands } from '../index.js';

export const testData = fileURLToPath(new URL('../../../../../point-transformer/test-data/', import.meta.url));
export const cloudData = fileURLToPath(new URL('../../../../../pointcloud-io/test-data/', import.meta.url));
export const bin = fileURLToPath(new URL('../../../../dist/bin.js', import.meta.url));
export const CHECKPOINTS = ['pct_reference.pth', 'pct_reference.safetensors'] as const;

export interface Fixture {
  numClasses: number;
  points: { shape: [number, number, number]; data: number[] };
  logits: number[];
  fps: [number[], number[]];
  centresXyz: number[];
  queries: number[];
  attention: { name: string; columns: number[][] }[];
}

export const fixture = JSON.parse(readFileSync(join(testData, 'pct_reference.json'), 'utf8')) as Fixture;

/** The input-cloud index of fixture query `q` (an index into the 256 second-stage centres). */
export const inputIndexOfCentre = (q: number): number => fixture.fps[0][fixture.fps[1][q]!]!;

/** A fresh temporary folder. */
export const tempDir = (): string => mkdtempSync(join(tmpdir(), 'heed-pct-'));

/** Writes the fixture cloud (float32, as PyTorch got it) as a binary PLY; returns its path. */
export async function writeFixtureCloud(dir: string): Promise<string> {
  const path = join(dir, 'fixture.ply');
  await writePointCloudFile(path, { positions: Float32Array.from(fixture.points.data) });
  return path;
}

export interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

function silence(c: Command, sink: (s: string) => void): void {
  c.configureOutput({ writeOut: sink, writeErr: sink });
  c.commands.forEach((sub) => silence(sub, sink));
}

/** Runs `heed <args>` in this process (the pct and ONNX commands), as bin.ts would: exit status, stdout, stderr. */
export async function heed(...args: string[]): Promise<Run> {
  let stdout = '', stderr = '';
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string) => ((stdout += chunk), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string) => ((stderr += chunk), true)) as typeof process.stderr.write;
  let status = 0;
  try {
    const program = createProgram([registerPctCommands, registerOnnxCommands]);
    silence(program, (s) => (stderr += s));
    await program.parseAsync(['node', 'heed', ...args]);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (!code?.startsWith('commander.')) stderr += `${describeError(error, false)}\n`;
    status = exitCodeFor(error);
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
  return { status, stdout, stderr };
}

/** Runs the built `heed` binary; a last object argument adds environment variables. */
export function heedBinary(...args: (string | Record<string, string>)[]): Run {
  const env = typeof args.at(-1) === 'object' ? (args.pop() as Record<string, string>) : {};
  const r = spawnSync(process.execPath, [bin, ...(args as string[])], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** max |a_i − b_i|. */
export const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  return Array.from(a).reduce((m, x, i) => Math.max(m, Math.abs(x - b[i]!)), 0);
};
