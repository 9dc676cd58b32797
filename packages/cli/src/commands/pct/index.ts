import type { Command } from 'commander';
import { registerAttentionCommand } from './attention.js';
import { registerClassifyCommand } from './classify.js';

export { type AttentionOutput, formatAttention, registerAttentionCommand } from './attention.js';
export { type ClassifyOutput, formatClassification, registerClassifyCommand } from './classify.js';
export { WEIGHTS_DIR_ENV } from './model-options.js';

/**
 * Registers `heed classify` and `heed attention` (PCT, SPCT, NPCT).
 *
 * @example
 * ```ts
 * const program = createProgram([registerInfoCommand, registerPctCommands]);
 * await program.parseAsync(['node', 'heed', 'classify', 'chair.ply', '--model', 'pct', '--json']);
 * ```
 */
export function registerPctCommands(program: Command): void {
  registerClassifyCommand(program);
  registerAttentionCommand(program);
}
