import type { Command } from 'commander';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { resolveTrainConfig, trainPCT, type TrainAugment, type TrainConfig, type TrainLogRecord } from '@heed/point-transformer';
import { useCliBackend } from '../../backend.js';
import { UsageError } from '../../errors.js';
import { progressBar } from '../../progress.js';
import { readCheckpointFiles, writeCheckpoint, writeModelFiles } from './files.js';
import { integer, oneOf, positiveInt, positiveNumber } from './options.js';

/** Raw `heed train` options as commander hands them over. */
interface TrainFlags {
  task?: string; model?: string; epochs?: string; batch?: string; points?: string; out?: string; resume?: string;
  seed?: string; backend?: string; optimizer?: string; lr?: string; cloudsPerEpoch?: string; augment?: string;
  checkpointEvery?: string; rotation?: string; validate?: string; validateSeed?: string; maxSteps?: string;
}

/**
 * `--augment`: `reference` = anisotropic scale [2/3, 3/2] + translate ±0.2 + jitter + rotation
 * about +y; `light` = the same without the anisotropic scale (the procedural shape classes differ
 * in proportions, which that scale blurs); `none`.
 */
export const AUGMENT_PRESETS: Record<'reference' | 'light' | 'none', TrainAugment | false> = {
  reference: { rotateUp: true },
  light: { rotateUp: true, scale: false },
  none: false,
};

/** The file name stem of a run's model files: `<model>-<task>`, e.g. `pct-classification`. */
export function modelName(config: TrainConfig): string {
  return `${config.variant}-${config.task}`;
}

/** Builds a new run's config from the flags. */
export function configFromFlags(f: TrainFlags): TrainConfig {
  const task = oneOf('--task', f.task, ['classification', 'segmentation'] as const, 'classification');
  const optimizer = oneOf('--optimizer', f.optimizer, ['sgd', 'adam'] as const, 'sgd');
  const augment = oneOf('--augment', f.augment, ['reference', 'light', 'none'] as const, task === 'classification' ? 'light' : 'reference');
  const lr = positiveNumber('--lr', f.lr);
  return resolveTrainConfig({
    task,
    variant: oneOf('--model', f.model, ['pct', 'spct', 'npct'] as const, 'pct'),
    epochs: positiveInt('--epochs', f.epochs, 250),
    batchSize: positiveInt('--batch', f.batch, 8),
    points: positiveInt('--points', f.points, 1024),
    cloudsPerEpoch: positiveInt('--clouds-per-epoch', f.cloudsPerEpoch, 1024),
    seed: integer('--seed', f.seed, 1),
    optimizer,
    ...(lr === undefined ? {} : { learningRate: lr }),
    augment: AUGMENT_PRESETS[augment],
    generator: { rotation: oneOf('--rotation', f.rotation, ['so3', 'up', 'none'] as const, 'so3') },
  });
}

/**
 * `heed train`: trains a PCT-family model on the procedural datasets, with a progress bar on
 * stderr, `train-log.jsonl` (one JSON record per step and per epoch), a resumable checkpoint after
 * every epoch (`checkpoint.{safetensors,optimizer.safetensors,json}`) and the model files
 * `<model>-<task>.{safetensors,classes.json,config.json}` in `--out`.
 */
export function registerTrainCommand(program: Command): void {
  program
    .command('train')
    .description('train PCT / SPCT / NPCT on the procedural datasets (resumable; JSON-lines log)')
    .option('--task <task>', 'classification | segmentation', 'classification')
    .option('--model <variant>', 'pct | spct | npct', 'pct')
    .option('--epochs <E>', 'epochs (each of --clouds-per-epoch fresh clouds)', '250')
    .option('--batch <B>', 'clouds per step (≥ 2)', '8')
    .option('--points <N>', 'points per cloud (PCT grouping scales: N/2, N/4 centres; k 32 at N ≥ 1024, else 16)', '1024')
    .option('--out <dir>', 'output directory', 'heed-train')
    .option('--resume <checkpoint>', 'continue a run from its checkpoint directory (or checkpoint.json); its settings win')
    .option('--seed <S>', 'seed of the weights, data, augmentation and dropout', '1')
    .option('--backend <name>', 'wasm | cpu | webgpu (Dawn: a GPU\'s Vulkan driver, else SwiftShader; Heed\'s fused kernels)', 'wasm')
    .option('--optimizer <name>', 'sgd (momentum 0.9) | adam', 'sgd')
    .option('--lr <rate>', 'peak learning rate (default 0.01 for SGD, 1e-3 for Adam), cosine to lr/100')
    .option('--clouds-per-epoch <C>', 'fresh training clouds per epoch', '1024')
    .option('--augment <preset>', 'reference | light | none (default: light for classification, reference for segmentation)')
    .option('--rotation <mode>', 'pose of the generated clouds: so3 | up (upright, any heading; ModelNet-like) | none', 'so3')
    .option('--checkpoint-every <steps>', 'also checkpoint every this many steps')
    .option('--validate <count>', 'held-out clouds evaluated after each epoch (0 = none)', '0')
    .option('--validate-seed <S>', 'seed of the held-out set', '9001')
    .option('--max-steps <n>', 'stop after this many steps in this invocation (resume later)')
    .action(async (f: TrainFlags) => {
      const backend = await useCliBackend(oneOf('--backend', f.backend, ['wasm', 'cpu', 'webgpu'] as const, 'wasm'));
      const out = f.out ?? 'heed-train';
      const resume = f.resume ? readCheckpointFiles(f.resume) : undefined;
      const config = resume?.state.config ?? configFromFlags(f);
      if (config.batchSize < 2) throw new UsageError('--batch must be at least 2 (BatchNorm in training mode)');
      mkdirSync(out, { recursive: true });
      const logPath = join(out, 'train-log.jsonl');
      const validateCount = integer('--validate', f.validate, 0);
      const spe = Math.floor(config.cloudsPerEpoch / config.batchSize);
      const total = config.epochs * spe;
      const bar = progressBar(`train ${modelName(config)} (${backend})`, total);
      const started = resume?.state.globalStep ?? 0;
      process.stderr.write(`heed train: ${modelName(config)}, ${config.points} points, batch ${config.batchSize}, ${config.epochs} epochs × ${spe} steps on ${backend}` +
        `${resume ? `, resuming at step ${started}` : ''}; log ${logPath}\n`);
      const onLog = (r: TrainLogRecord) => {
        appendFileSync(logPath, `${JSON.stringify(r)}\n`);
        if (r.type === 'epoch' && !process.stderr.isTTY) process.stderr.write(`${JSON.stringify(r)}\n`);
      };
      const checkpointEvery = f.checkpointEvery === undefined ? undefined : positiveInt('--checkpoint-every', f.checkpointEvery, 1);
      const maxSteps = f.maxSteps === undefined ? undefined : positiveInt('--max-steps', f.maxSteps, 1);
      const { model, checkpoint } = await trainPCT({
        ...(resume ? { resume } : { config }),
        onLog,
        onProgress: (done) => bar.update(done, `epoch ${Math.min(config.epochs, Math.floor(done / spe) + 1)}/${config.epochs}`),
        onCheckpoint: (c) => {
          writeCheckpoint(out, c);
          writeModelFiles(out, modelName(config), c.weights, config);
        },
        ...(checkpointEvery ? { checkpointEvery } : {}),
        ...(maxSteps ? { maxSteps } : {}),
        ...(validateCount > 0 ? { validation: { seed: integer('--validate-seed', f.validateSeed, 9001), count: validateCount } } : {}),
      });
      const final = checkpoint;
      writeCheckpoint(out, final);
      writeModelFiles(out, modelName(config), final.weights, config);
      bar.stop();
      model.dispose();
      process.stderr.write(`heed train: ${final.state.globalStep}/${total} steps, ${final.state.seconds.toFixed(0)} s of training; wrote ${join(out, modelName(config))}.safetensors\n`);
    });
}
