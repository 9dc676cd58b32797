import { Option, type Command } from 'commander';
import { pathToFileURL } from 'node:url';
import type { PointCloud } from '@heed/pointcloud-io';
import type { LoadedClassifier, PCTVariant, PreparedCloud } from '@heed/point-transformer';
import { useCliBackend } from '../../backend.js';
import { UsageError } from '../../errors.js';
import { readCloudFile } from '../read-cloud.js';
import { readFileOrNull } from './read-file-or-null.js';

/**
 * Overrides the folder of the shipped weights (`<dir>/<model>.safetensors`), e.g. for a deployment or tests.
 *
 * @example
 * ```ts
 * // HEED_WEIGHTS_DIR=/opt/heed/weights heed classify chair.ply --model pct
 * process.env[WEIGHTS_DIR_ENV] = '/opt/heed/weights';
 * ```
 */
export const WEIGHTS_DIR_ENV = 'HEED_WEIGHTS_DIR';

/**
 * The options `heed classify` and `heed attention` share.
 *
 * @example
 * ```ts
 * const opts: ModelOptions = { model: 'pct', normalize: true, backend: 'wasm', json: true };
 * ```
 */
export interface ModelOptions {
  model: PCTVariant;
  weights?: string;
  normalize: boolean;
  backend: string;
  json?: boolean;
}

/**
 * Adds --model, --weights, --no-normalize, --backend and --json to a command.
 *
 * @example
 * ```ts
 * addModelOptions(program.command('classify').argument('<cloud>')).action(async (path, opts: ModelOptions) => {});
 * ```
 */
export function addModelOptions(command: Command): Command {
  return command
    .addOption(new Option('--model <name>', 'network').choices(['pct', 'spct', 'npct']).makeOptionMandatory())
    .option('--weights <file>', 'reference-port checkpoint (.pth/.t7 zip or .safetensors); default: the shipped pretrained weights')
    .option('--no-normalize', 'feed the coordinates as they are (no mean-centring / unit-sphere scaling)')
    .addOption(new Option('--backend <name>', 'engine: onnxruntime on the exported graph (ort-node, ort-wasm, ort-webgpu) or tfjs (wasm, cpu, webgpu); auto: the fastest here').choices(['auto', ...MODEL_BACKENDS]).default('auto'))
    .option('--json', 'print JSON');
}

/** Engines `heed classify` and `heed attention` run a model on: tfjs backends, or onnxruntime on the exported graph. */
export const MODEL_BACKENDS = ['ort-node', 'ort-wasm', 'ort-webgpu', 'wasm', 'cpu', 'webgpu'] as const;
export type ModelBackend = (typeof MODEL_BACKENDS)[number];

/**
 * The engine `--backend` stands for, and why (what the commands print). auto is onnxruntime-node:
 * several times faster than tfjs-wasm on PCT here, export included (`npm run bench` measures it).
 *
 * @example
 * ```ts
 * resolveModelBackend('auto'); // { backend: 'ort-node', reason: 'auto: …' }
 * ```
 */
export function resolveModelBackend(requested: string): { backend: ModelBackend; reason: string } {
  if (requested === 'auto') return { backend: 'ort-node', reason: 'auto: native onnxruntime on the exported graph, the fastest engine in Node' };
  return { backend: requested as ModelBackend, reason: 'chosen on the command line' };
}

/** Whether a backend runs the exported ONNX graph rather than the tfjs model. */
export const isOnnxBackend = (backend: ModelBackend): backend is 'ort-node' | 'ort-wasm' | 'ort-webgpu' => backend.startsWith('ort-');

/**
 * Parses a non-negative (or, with `min` 1, positive) integer option, or fails with a usage error.
 *
 * @example
 * ```ts
 * integerOption('--layer', '2', 1); // 2
 * integerOption('--layer', '0', 1); // throws UsageError
 * ```
 */
export function integerOption(name: string, value: string, min: number): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < min) {
    throw new UsageError(`${name}: expected ${min === 0 ? 'a non-negative' : 'a positive'} integer, got "${value}"`);
  }
  return n;
}

/**
 * A cloud read from a file, prepared for the model.
 *
 * @example
 * ```ts
 * const { cloud, prepared }: LoadedCloud = await loadCloud('chair.ply', opts);
 * ```
 */
export interface LoadedCloud {
  cloud: PointCloud;
  prepared: PreparedCloud;
}

/**
 * Reads the cloud and prepares it for the model (see `prepareCloud`), reporting on stderr when
 * points had to be repeated, and that a mesh is taken by its vertices.
 *
 * @example
 * ```ts
 * const { cloud, prepared } = await loadCloud('scan.ply', { model: 'pct', normalize: true, backend: 'wasm' }, 1024);
 * ```
 */
export async function loadCloud(path: string, options: ModelOptions, modelPoints: number): Promise<LoadedCloud> {
  const { prepareCloud } = await import('@heed/point-transformer');
  const { cloud } = await readCloudFile(path);
  if (cloud.faces?.length) process.stderr.write(`heed: note: ${path} is a mesh: its vertices are the cloud (heed convert --sample ${modelPoints} samples its surface)\n`);
  const prepared = prepareCloud(cloud.positions, { numPoints: modelPoints, normalize: options.normalize });
  if (prepared.replaced) {
    process.stderr.write(`heed: warning: ${path} has ${prepared.inputCount} points, fewer than the model's ${modelPoints}: some are repeated (sampling with replacement)\n`);
  }
  return { cloud, prepared };
}

/**
 * Starts the backend and loads the classifier: `--weights`, or the shipped weights of `--model`
 * (from $HEED_WEIGHTS_DIR when set). The caller disposes `model`.
 *
 * @example
 * ```ts
 * const { model, classes, backend } = await loadModel({ model: 'pct', weights: 'best_model.t7', normalize: true, backend: 'wasm' });
 * model.dispose();
 * ```
 */
export async function loadModel(options: ModelOptions): Promise<LoadedClassifier & { backend: ModelBackend; backendReason: string }> {
  const { backend: resolved, reason } = resolveModelBackend(options.backend);
  // The onnxruntime engines read the weights from a tfjs-cpu model while exporting it.
  const tfjsBackend = await useCliBackend(isOnnxBackend(resolved) ? 'cpu' : resolved);
  const backend = isOnnxBackend(resolved) ? resolved : (tfjsBackend as ModelBackend);
  const { openClassifier, loadShippedClassifier, NoShippedWeightsError } = await import('@heed/point-transformer');
  const backendReason = backend === resolved ? reason : `${reason}; ${resolved} could not start`;
  if (options.weights !== undefined) return { ...(await openClassifier(options.weights, readFileOrNull, { variant: options.model })), backend, backendReason };
  const dir = process.env[WEIGHTS_DIR_ENV];
  try {
    const base = dir ? pathToFileURL(dir.endsWith('/') ? dir : `${dir}/`) : undefined;
    return { ...(await loadShippedClassifier(options.model, readFileOrNull, base)), backend, backendReason };
  } catch (error) {
    if (error instanceof NoShippedWeightsError) throw new Error(`${error.message}; pass --weights <checkpoint>`);
    throw error;
  }
}
