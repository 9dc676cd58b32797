import type { Command } from 'commander';
import { registerExportCommand } from './export.js';
import { registerRunOnnxCommand } from './run-onnx.js';

export { EXPORTABLE_MODELS, type ExportOutput, registerExportCommand } from './export.js';
export { type RunOnnxOutput, registerRunOnnxCommand } from './run-onnx.js';

/**
 * Registers `heed export` and `heed run-onnx`.
 *
 * @example
 * ```ts
 * await createProgram([registerOnnxCommands]).parseAsync(['node', 'heed', 'export', 'pct', '-o', 'pct.onnx']);
 * ```
 */
export function registerOnnxCommands(program: Command): void {
  registerExportCommand(program);
  registerRunOnnxCommand(program);
}
