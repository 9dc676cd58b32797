import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { PNG } from 'pngjs';
import { useCliBackend } from '../../backend.js';
import { parseCount, parseModelKind } from './options.js';

/**
 * `heed vision show --seed S --out overlay.png [--model cbam|vit] [--index I] [--scale K]`:
 * renders image I of seed S beside its attention heat map with the predicted class, as a PNG.
 *
 * @example
 * ```sh
 * heed vision show --seed 7 --out overlay.png --model vit
 * ```
 */
export function registerVisionShowCommand(vision: Command): void {
  vision
    .command('show')
    .description('write a PNG of a task image beside its attention overlay and the predicted class')
    .requiredOption('--seed <n>', 'seed of the image')
    .requiredOption('--out <file>', 'PNG to write')
    .option('--model <kind>', 'cbam or vit', 'cbam')
    .option('--index <n>', 'image index within the seed', '0')
    .option('--map <name>', "which attention map (default: the model's first)")
    .option('--scale <n>', 'output pixels per image pixel', '8')
    .option('--backend <name>', 'tfjs backend: wasm or cpu', 'wasm')
    .action(async (opts: { seed: string; out: string; model: string; index: string; map?: string; scale: string; backend: string }) => {
      const kind = parseModelKind(opts.model);
      const seed = parseCount('--seed', opts.seed), index = parseCount('--index', opts.index);
      const scale = parseCount('--scale', opts.scale, 1);
      await useCliBackend(opts.backend);
      const { loadShippedVisionModel, renderModelOverlay } = await import('@heed/vision');
      const model = await loadShippedVisionModel(kind);
      try {
        const { overlay, predicted, confidence, truth } = await renderModelOverlay(model, { seed, index, map: opts.map, scale });
        const png = new PNG({ width: overlay.width, height: overlay.height });
        png.data = Buffer.from(overlay.data.buffer, overlay.data.byteOffset, overlay.data.byteLength);
        writeFileSync(opts.out, PNG.sync.write(png));
        process.stdout.write(`${opts.out}: ${kind} predicts ${predicted} (${(100 * confidence).toFixed(0)}%), truth ${truth}\n`);
      } finally {
        model.dispose();
      }
    });
}
