import { describe, expect, it } from 'vitest';
import { createProgram } from './program.js';
import { registerDemoCommand, shadeRows } from './commands/demo.js';
import { EXIT_BAD_INPUT, EXIT_USAGE, UsageError, describeError, exitCodeFor } from './errors.js';

describe('heed program', () => {
  const silent = () => {
    const program = createProgram([registerDemoCommand]);
    program.configureOutput({ writeErr: () => {}, writeOut: () => {} });
    program.commands.forEach((c) => c.configureOutput({ writeErr: () => {}, writeOut: () => {} }));
    return program;
  };

  it('maps usage mistakes to exit code 2 and bad input to 1', async () => {
    const unknownOption = await silent().parseAsync(['node', 'heed', '--bogus']).catch((e: unknown) => e);
    expect(exitCodeFor(unknownOption)).toBe(EXIT_USAGE);
    const unknownCommand = await silent().parseAsync(['node', 'heed', 'frobnicate']).catch((e: unknown) => e);
    expect(exitCodeFor(unknownCommand)).toBe(EXIT_USAGE);
    expect(exitCodeFor(new UsageError('x'))).toBe(EXIT_USAGE);
    expect(exitCodeFor(new Error('bad file'))).toBe(EXIT_BAD_INPUT);
  });

  it('prints one line without a stack unless --debug', () => {
    const error = new Error('bunny.ply: element vertex: expected 10 bytes\nmore detail');
    expect(describeError(error, false)).toBe('heed: bunny.ply: element vertex: expected 10 bytes');
    expect(describeError(error, true)).toContain('at ');
  });

  it('shades attention rows from blank (0) to full (the row maximum)', () => {
    expect(shadeRows([[0, 0.25, 0.5, 1], [0.2, 0.2, 0, 0]])).toEqual([' ░▒█', '██  ']);
  });
});
