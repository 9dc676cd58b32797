#!/usr/bin/env node
import { createProgram } from './program.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerInfoCommand } from './commands/info.js';
import { registerConvertCommand } from './commands/convert.js';
import { registerPctCommands } from './commands/pct/index.js';
import { registerOnnxCommands } from './commands/onnx/index.js';
import { registerTrainCommands } from './commands/train/index.js';
import { registerVisionCommands } from './commands/vision/index.js';
import { EXIT_OK, describeError, exitCodeFor } from './errors.js';

const program = createProgram([registerDemoCommand, registerInfoCommand, registerConvertCommand, registerPctCommands, registerOnnxCommands, registerTrainCommands, registerVisionCommands]);
try {
  await program.parseAsync(process.argv);
} catch (error) {
  const code = (error as { code?: string }).code;
  if (code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help') {
    process.exitCode = EXIT_OK;
  } else {
    // Commander has already printed its own usage errors.
    if (!code?.startsWith('commander.')) console.error(describeError(error, program.opts<{ debug?: boolean }>().debug ?? false));
    process.exitCode = exitCodeFor(error);
  }
}
