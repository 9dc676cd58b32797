import type { Command } from 'commander';
import { registerEvalCommand } from './eval-command.js';
import { registerTrainCommand } from './train-command.js';

/**
 * Adds `heed train` and `heed eval` to the program.
 *
 * @example
 * ```ts
 * const program = createProgram([registerInfoCommand, registerTrainCommands]);
 * await program.parseAsync(['node', 'heed', 'eval', '--weights', 'pct-classification.safetensors', '--json']);
 * ```
 */
export function registerTrainCommands(program: Command): void {
  registerTrainCommand(program);
  registerEvalCommand(program);
}

export { AUGMENT_PRESETS, configFromFlags, modelName } from './train-command.js';
export { readCheckpointFiles, readModelConfig, writeCheckpoint, writeModelFiles, type ModelFileConfig } from './files.js';
