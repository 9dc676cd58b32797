import type { Command } from 'commander';
import { addModelOptions, isOnnxBackend, loadCloud, loadModel, type ModelOptions } from './model-options.js';
import { predictWithOnnx } from './onnx-path.js';

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
  /** The engine the model ran on: a tfjs backend (wasm, cpu) or onnxruntime on the exported graph (ort-node, ort-wasm). */
  backend: string;
  /** Why that engine: 'auto: …' when picked automatically. */
  backendReason: string;
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
    const { model, classes, backend, backendReason, points } = await loadModel(opts);
    let result, prepared;
    try {
      prepared = (await loadCloud(path, opts, points)).prepared;
      result = isOnnxBackend(backend) ? softmaxOf((await predictWithOnnx(model, prepared, backend, false)).outputs['logits']!.data as Float32Array) : await classifyCloud(model, prepared);
    } finally {
      model.dispose();
    }
    const out: ClassifyOutput = { ...result, classes, points: prepared.inputCount, backend, backendReason };
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(out)}\n`);
      return;
    }
    process.stdout.write(`${formatClassification(path, opts.model, out)}\n`);
  });
}

/**
 * Logits and their softmax, as classifyCloud returns them.
 *
 * @example
 * ```ts
 * softmaxOf(Float32Array.of(0, 0)); // { logits: [0, 0], probabilities: [0.5, 0.5] }
 * ```
 */
export function softmaxOf(logits: Float32Array): { logits: number[]; probabilities: number[] } {
  const values = Array.from(logits), max = Math.max(...values);
  const exps = values.map((l) => Math.exp(l - max)), sum = exps.reduce((a, b) => a + b, 0);
  return { logits: values, probabilities: exps.map((e) => e / sum) };
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
  return [`${path}: ${out.points} points, ${model} on ${out.backend}${out.backendReason.startsWith('auto') ? ' (auto)' : ''}`, ...lines].join('\n');
}
