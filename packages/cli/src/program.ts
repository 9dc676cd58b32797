import { Command } from 'commander';
import { readFileSync } from 'node:fs';

/** A function that adds one command (or a group) to the program. */
export type CommandRegistrar = (program: Command) => void;

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

/**
 * The `heed` program with every command registered. Commander's own errors are thrown (not
 * exited on) so that the caller decides the exit code.
 *
 * @example
 * ```ts
 * await createProgram([registerInfoCommand]).parseAsync(['node', 'heed', 'info', 'bunny.ply']);
 * ```
 */
export function createProgram(registrars: CommandRegistrar[]): Command {
  const program = new Command('heed')
    .description('Heed: attention models for point clouds and images — inspect, convert, classify, show attention.')
    .version(version)
    .option('--debug', 'print stack traces on errors')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const register of registrars) register(program);
  // Sub-commands inherit the override so their usage errors are thrown too.
  program.commands.forEach(function override(c: Command) { c.exitOverride(); c.commands.forEach(override); });
  return program;
}
