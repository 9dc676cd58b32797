import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { createProgram } from '../../program.js';
import { EXIT_USAGE, exitCodeFor } from '../../errors.js';
import { registerVisionCommands } from './index.js';

/** Runs `heed …args` in-process and returns what it printed on stdout. */
async function heed(...args: string[]): Promise<string> {
  let out = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string) => { out += chunk; return true; }) as typeof process.stdout.write;
  try {
    await createProgram([registerVisionCommands]).parseAsync(['node', 'heed', ...args]);
  } finally {
    process.stdout.write = write;
  }
  return out;
}

describe('heed vision', () => {
  it('eval --json prints exactly accuracy, attentionInsideRatio and images', async () => {
    const out = await heed('vision', 'eval', '--seed', '77', '--count', '40', '--json');
    expect(out.endsWith('\n')).toBe(true);
    const parsed = JSON.parse(out) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(['accuracy', 'attentionInsideRatio', 'images']);
    expect(parsed.images).toBe(40);
    expect(parsed.accuracy).toBeGreaterThan(0.7);
    expect(parsed.attentionInsideRatio).toBeGreaterThan(1);
  });

  it('show writes a PNG of the image beside its overlay', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'heed-vision-')), 'overlay.png');
    const out = await heed('vision', 'show', '--seed', '7', '--out', file, '--model', 'vit', '--scale', '4');
    expect(out).toMatch(/overlay\.png: vit predicts (circle|square|triangle|cross) \(\d+%\), truth \w+/);
    const png = PNG.sync.read(readFileSync(file));
    expect(png.width).toBe(2 * 32 * 4 + 8);
  });

  it('refuses an unknown model as a usage error', async () => {
    const error = await heed('vision', 'eval', '--seed', '1', '--model', 'resnet', '--json').catch((e: unknown) => e);
    expect(exitCodeFor(error)).toBe(EXIT_USAGE);
  });
});
