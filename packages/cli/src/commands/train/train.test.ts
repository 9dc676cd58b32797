import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createProgram } from '../../program.js';
import { EXIT_USAGE, exitCodeFor } from '../../errors.js';
import { registerTrainCommands } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'heed-train-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = async (...args: string[]) => {
  const program = createProgram([registerTrainCommands]);
  program.configureOutput({ writeErr: () => {}, writeOut: () => {} });
  program.commands.forEach((c) => c.configureOutput({ writeErr: () => {}, writeOut: () => {} }));
  const out: string[] = [];
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((s) => { out.push(String(s)); return true; });
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    await program.parseAsync(['node', 'heed', ...args]);
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
  return out.join('');
};

describe('heed train / heed eval', () => {
  it('trains, writes the log, checkpoint and model files, resumes, and evaluates', { timeout: 600_000 }, async () => {
    const out = join(dir, 'run');
    const common = ['--points', '32', '--batch', '2', '--clouds-per-epoch', '4', '--epochs', '2', '--rotation', 'up', '--out', out, '--seed', '3'];
    await run('train', ...common, '--max-steps', '3');
    const state = JSON.parse(readFileSync(join(out, 'checkpoint.json'), 'utf8'));
    expect(state.globalStep).toBe(3);
    for (const f of ['checkpoint.safetensors', 'checkpoint.optimizer.safetensors', 'pct-classification.safetensors', 'pct-classification.classes.json', 'pct-classification.config.json']) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    expect(JSON.parse(readFileSync(join(out, 'pct-classification.classes.json'), 'utf8'))).toHaveLength(10);
    expect(JSON.parse(readFileSync(join(out, 'pct-classification.config.json'), 'utf8'))).toMatchObject({ points: 32, rotation: 'up', stages: [{ numSamples: 16, k: 16 }, { numSamples: 8, k: 16 }] });
    await run('train', '--resume', out, '--out', out);
    const log = readFileSync(join(out, 'train-log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(log.filter((r) => r.type === 'step').map((r) => r.step)).toEqual([1, 2, 3, 4]);
    expect(log.filter((r) => r.type === 'epoch').map((r) => r.epoch)).toEqual([0, 1]);
    for (const r of log) expect(Object.keys(r)).toEqual(expect.arrayContaining(['epoch', 'step', 'loss', 'accuracy', 'lr', 'seconds']));
    const printed = await run('eval', '--weights', join(out, 'pct-classification.safetensors'), '--count', '4', '--json');
    const result = JSON.parse(printed);
    expect(Object.keys(result)).toEqual(['accuracy']);
    expect(result.accuracy).toBeGreaterThanOrEqual(0);
  });

  it('trains and evaluates on webgpu (the fused kernels and their gradients), on SwiftShader here', { timeout: 600_000 }, async () => {
    const steps = async (backend: string) => {
      const out = join(dir, backend);
      await run('train', '--backend', backend, '--points', '32', '--batch', '2', '--clouds-per-epoch', '4', '--epochs', '1', '--rotation', 'up', '--out', out, '--seed', '5');
      return { out, steps: readFileSync(join(out, 'train-log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((r) => r.type === 'step') };
    };
    const wasm = await steps('wasm');
    const { out, steps: gpu } = await steps('webgpu');
    expect(gpu).toHaveLength(2);
    // The same seeded run: the first step's loss (same weights, same batch) agrees to float32 noise.
    expect(Math.abs(gpu[0].loss - wasm.steps[0].loss)).toBeLessThan(1e-4);
    for (const r of gpu) expect(Number.isFinite(r.loss)).toBe(true);
    const result = JSON.parse(await run('eval', '--backend', 'webgpu', '--weights', join(out, 'pct-classification.safetensors'), '--count', '4', '--json'));
    expect(result.accuracy).toBeGreaterThanOrEqual(0);
  });

  it('refuses bad options with the usage exit code', async () => {
    const bad = await run('train', '--task', 'detection', '--out', join(dir, 'x')).catch((e: unknown) => e);
    expect(exitCodeFor(bad)).toBe(EXIT_USAGE);
    const batch = await run('train', '--batch', '1', '--out', join(dir, 'x')).catch((e: unknown) => e);
    expect(exitCodeFor(batch)).toBe(EXIT_USAGE);
  });
});
