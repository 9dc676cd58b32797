import type { Command } from 'commander';
import { addModelOptions, loadCloud, loadModel, type ModelOptions } from './model-options.js';

/**
 * What `heed classify --json` prints.
 *
 * @example
 * ```ts
 * const out = JSON.parse(execSync('heed classify chair.ply --model pct --json', { encoding: 'utf8' })) as ClassifyOutput;
 * ```
 */
export interface ClassifyOutput {
  logits: number[];
  /** softmax(logits). */
  probabilities: number[];
  /** Class names, when the weights came with a list (see class-names.ts in @heed/point-transformer). */
  classes: string[] | null;
  /** Points in the input cloud as read (before resampling to the model's 1024). */
  points: number;
  /** The tfjs backend the model ran on. */
  backend: string;
}

/**
 * `heed classify <cloud> --model pct|spct|npct [--weights file] [--no-normalize] [--json]`: reads
 * the cloud, prepares it (FPS to 1024 points when the count differs, unit-sphere normalisation) and
 * prints the class scores.
 *
 * @example
 * ```ts
 * await createProgram([registerClassifyCommand]).parseAsync(['node', 'heed', 'classify', 'chair.ply', '--model', 'pct', '--weights', 'best_model.t7']);
 * ```
 */
export function registerClassifyCommand(program: Command): void {
  addModelOptions(
    program
      .command('classify')
      .description('classify a point cloud with PCT, SPCT or NPCT')
      .argument('<cloud>', 'PLY, PCD, XYZ/TXT/CSV, OFF, LAS or LAZ file'),
  ).action(async (path: string, opts: ModelOptions) => {
    const { classifyCloud } = await import('@heed/point-transformer');
    // The model first: it says how many points it takes (e.g. 256 for the shipped classifier).
    const { model, classes, backend, points } = await loadModel(opts);
    let result, prepared;
    try {
      prepared = (await loadCloud(path, opts, points)).prepared;
      result = await classifyCloud(model, prepared);
    } finally {
      model.dispose();
    }
    const out: ClassifyOutput = { ...result, classes, points: prepared.inputCount, backend };
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(out)}\n`);
      return;
    }
    process.stdout.write(`${formatClassification(path, opts.model, out)}\n`);
  });
}

/**
 * The human-readable report: the five most probable classes.
 *
 * @example
 * ```ts
 * formatClassification('chair.ply', 'pct', out); // 'chair.ply: 1024 points, pct on wasm\n  1. chair  93.1 % …'
 * ```
 */
export function formatClassification(path: string, model: string, out: ClassifyOutput): string {
  const ranked = out.probabilities.map((p, i) => ({ p, i })).sort((a, b) => b.p - a.p).slice(0, 5);
  const name = (i: number) => out.classes?.[i] ?? `class ${i}`;
  const width = Math.max(...ranked.map(({ i }) => name(i).length));
  const lines = ranked.map(({ p, i }, rank) => `  ${rank + 1}. ${name(i).padEnd(width)}  ${(100 * p).toFixed(1).padStart(5)} %   (logit ${out.logits[i]!.toFixed(3)})`);
  return [`${path}: ${out.points} points, ${model} on ${out.backend}`, ...lines].join('\n');
}
