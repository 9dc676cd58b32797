import type { Command } from 'commander';
import { useCliBackend } from '../../backend.js';
import { parseCount, parseModelKind } from './options.js';

/**
 * `heed vision eval [--model cbam|vit] --seed S [--count N] [--map NAME] --json`: accuracy and
 * attention-inside ratio of a shipped model on N fresh task images of seed S. With --json prints
 * exactly `{"accuracy": …, "attentionInsideRatio": …, "images": …}`.
 *
 * @example
 * ```sh
 * heed vision eval --model vit --seed 4242 --count 500 --json
 * ```
 */
export function registerVisionEvalCommand(vision: Command): void {
  vision
    .command('eval')
    .description('evaluate a shipped vision model on fresh images: accuracy and attention-inside ratio')
    .option('--model <kind>', 'cbam or vit', 'cbam')
    .requiredOption('--seed <n>', 'seed of the evaluation images (the models trained on seed 1)')
    .option('--count <n>', 'number of images', '500')
    .option('--map <name>', "which attention map to score (default: the model's first; vit also has 'rollout')")
    .option('--backend <name>', 'tfjs backend: wasm or cpu', 'wasm')
    .option('--json', 'print one JSON object')
    .action(async (opts: { model: string; seed: string; count: string; map?: string; backend: string; json?: boolean }) => {
      const kind = parseModelKind(opts.model);
      const seed = parseCount('--seed', opts.seed), count = parseCount('--count', opts.count, 1);
      const backend = await useCliBackend(opts.backend);
      const { evaluateVision, loadShippedVisionModel } = await import('@heed/vision');
      const model = await loadShippedVisionModel(kind);
      try {
        const r = await evaluateVision(model, { seed, count, map: opts.map });
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ accuracy: r.accuracy, attentionInsideRatio: r.attentionInsideRatio, images: r.images })}\n`);
        } else {
          const map = opts.map ?? model.mapNames[0];
          process.stdout.write(`${kind} on ${r.images} images of seed ${seed} (${backend}): accuracy ${(100 * r.accuracy).toFixed(1)}%, `
            + `attention inside the object ${r.attentionInsideRatio.toFixed(2)}× chance (map ${map})\n`);
        }
      } finally {
        model.dispose();
      }
    });
}
