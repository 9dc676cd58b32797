import type { Command } from 'commander';
import { registerVisionEvalCommand } from './eval.js';
import { registerVisionShowCommand } from './show.js';
import { registerVisionTrainCommand } from './train.js';

/**
 * Adds `heed vision eval | show | train` (the CBAM CNN and tiny ViT of @heed/vision on the
 * procedural shape task).
 *
 * @example
 * ```ts
 * const program = createProgram([registerVisionCommands]);
 * await program.parseAsync(['node', 'heed', 'vision', 'eval', '--seed', '4242', '--json']);
 * ```
 */
export function registerVisionCommands(program: Command): void {
  const vision = program
    .command('vision')
    .description('vision models that show where they look: a CBAM CNN and a tiny ViT on a procedural shape task');
  registerVisionEvalCommand(vision);
  registerVisionShowCommand(vision);
  registerVisionTrainCommand(vision);
}
