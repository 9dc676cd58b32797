import type { Command } from 'commander';
import { useCliBackend } from '../../backend.js';
import { progressBar } from '../../progress.js';
import { parseCount, parseModelKind } from './options.js';

/**
 * `heed vision train [--model cbam|vit] [--out DIR] [--seed S]`: re-runs the recipe of the
 * shipped weights (`TRAINING_RECIPES` in @heed/vision) with a progress bar on stderr, and writes
 * DIR/<kind>.json (the weight file, with provenance metadata) and DIR/<kind>.train.jsonl (a JSON
 * record every 10 steps and per epoch).
 *
 * @example
 * ```sh
 * heed vision train --model cbam --out ./weights
 * ```
 */
export function registerVisionTrainCommand(vision: Command): void {
  vision
    .command('train')
    .description('train a vision model with the recipe of the shipped weights')
    .option('--model <kind>', 'cbam or vit', 'cbam')
    .option('--out <dir>', 'folder for <kind>.json and <kind>.train.jsonl', '.')
    .option('--seed <n>', "seed of the training images and initial weights (default: the recipe's, 1)")
    .option('--backend <name>', 'tfjs backend: wasm or cpu', 'wasm')
    .action(async (opts: { model: string; out: string; seed?: string; backend: string }) => {
      const kind = parseModelKind(opts.model);
      const seed = opts.seed === undefined ? undefined : parseCount('--seed', opts.seed);
      const backend = await useCliBackend(opts.backend);
      const { TRAINING_RECIPES } = await import('@heed/vision');
      const { trainToFolder } = await import('@heed/vision/node');
      const { epochs, stepsPerEpoch } = TRAINING_RECIPES[kind].train;
      const bar = progressBar(`training ${kind}`, epochs * stepsPerEpoch);
      const command = `heed vision train --model ${kind} --out ${opts.out}${seed === undefined ? '' : ` --seed ${seed}`}`;
      const { weightsPath, result } = await trainToFolder(kind, {
        out: opts.out, seed, command,
        onProgress: (p) => bar.update(p.step, `epoch ${p.epoch}/${p.epochs} loss ${p.loss.toFixed(3)} acc ${(100 * p.accuracy).toFixed(0)}%`),
      }).finally(() => bar.stop());
      const v = result.validation;
      process.stdout.write(`${weightsPath}: ${result.steps} steps in ${Math.round(result.wallTimeMs / 1000)} s on ${backend}`
        + (v ? `; held-out accuracy ${(100 * v.accuracy).toFixed(1)}%, attention ratio ${v.attentionInsideRatio.toFixed(2)}` : '') + '\n');
    });
}
