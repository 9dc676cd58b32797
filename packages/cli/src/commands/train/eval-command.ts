import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { createPCT, evaluateClassification, evaluateSegmentation, readSafetensors, SHAPE_CLASSES, PART_CATEGORIES } from '@heed/point-transformer';
import { useCliBackend } from '../../backend.js';
import { UsageError } from '../../errors.js';
import { progressBar } from '../../progress.js';
import { readModelConfig } from './files.js';
import { integer, oneOf, positiveInt } from './options.js';

interface EvalFlags { rotation?: string; task?: string; model?: string; weights?: string; seed?: string; count?: string; points?: string; batch?: string; backend?: string; json?: boolean }

/**
 * `heed eval`: held-out accuracy (classification) or ShapeNet-convention mIoU (segmentation) of
 * a weights file on freshly generated clouds. The model's shape (variant, stages, points) comes
 * from `<weights>.config.json` when it exists (heed train writes it), else from the flags.
 */
export function registerEvalCommand(program: Command): void {
  program
    .command('eval')
    .description('held-out accuracy / mIoU of trained weights on freshly generated clouds')
    .option('--task <task>', 'classification | segmentation (default: from <weights>.config.json, else classification)')
    .option('--model <variant>', 'pct | spct | npct (default: from <weights>.config.json, else pct)')
    .requiredOption('--weights <file>', 'a .safetensors written by heed train')
    .option('--seed <S>', 'seed of the held-out set', '424242')
    .option('--count <N>', 'clouds to evaluate', '500')
    .option('--points <N>', 'points per cloud (default: from <weights>.config.json, else 1024)')
    .option('--rotation <mode>', 'pose of the held-out clouds: so3 | up | none (default: from <weights>.config.json, else so3)')
    .option('--batch <B>', 'clouds per forward', '16')
    .option('--backend <name>', 'wasm | cpu | webgpu (Dawn: a GPU\'s Vulkan driver, else SwiftShader; Heed\'s fused kernels)', 'wasm')
    .option('--json', 'print only {"accuracy": …} or {"mIoU": …}')
    .action(async (f: EvalFlags) => {
      const weights = f.weights!;
      const described = readModelConfig(weights);
      const task = oneOf('--task', f.task, ['classification', 'segmentation'] as const, described?.task ?? 'classification');
      const variant = oneOf('--model', f.model, ['pct', 'spct', 'npct'] as const, described?.variant ?? 'pct');
      if (described && (described.task !== task || described.variant !== variant)) {
        throw new UsageError(`${weights} holds a ${described.variant} ${described.task} model, not ${variant} ${task}`);
      }
      const points = positiveInt('--points', f.points, described?.points ?? 1024);
      const backend = await useCliBackend(oneOf('--backend', f.backend, ['wasm', 'cpu', 'webgpu'] as const, 'wasm'));
      let bytes: Uint8Array;
      try { bytes = new Uint8Array(readFileSync(weights)); } catch (e) { throw new Error(`${weights}: ${(e as Error).message}`); }
      const numClasses = described?.numClasses ?? (task === 'classification' ? SHAPE_CLASSES.length : PART_CATEGORIES.reduce((s, c) => s + c.parts.length, 0));
      const model = createPCT({
        variant, task, numClasses,
        ...(described?.stages ? { stages: described.stages } : {}),
        ...(task === 'segmentation' ? { numCategories: described?.numCategories ?? PART_CATEGORIES.length } : {}),
      });
      model.loadStateDict(readSafetensors(bytes, { fileName: weights }), { source: weights });
      const count = positiveInt('--count', f.count, 500);
      const bar = progressBar(`eval (${backend})`, count);
      const rotation = oneOf('--rotation', f.rotation, ['so3', 'up', 'none'] as const, described?.rotation ?? 'so3');
      const options = { rotation, seed: integer('--seed', f.seed, 424242), count, points, batchSize: positiveInt('--batch', f.batch, 16), onProgress: (d: number) => bar.update(d) };
      const result = task === 'classification'
        ? { accuracy: (await evaluateClassification(model, options)).accuracy }
        : { mIoU: (await evaluateSegmentation(model, options)).mIoU };
      bar.stop();
      model.dispose();
      if (f.json) process.stdout.write(`${JSON.stringify(result)}\n`);
      else {
        const [k, v] = Object.entries(result)[0]!;
        process.stdout.write(`${variant} ${task} on ${count} held-out clouds (seed ${options.seed}, ${points} points, ${rotation} poses, ${backend}): ${k} ${(100 * v).toFixed(2)} %\n`);
      }
    });
}
