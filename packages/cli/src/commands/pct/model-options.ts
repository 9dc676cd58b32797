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
    .addOption(new Option('--backend <name>', 'tfjs backend').choices(['wasm', 'cpu']).default('wasm'))
    .option('--json', 'print JSON');
}

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
export async function loadModel(options: ModelOptions): Promise<LoadedClassifier & { backend: string }> {
  const backend = await useCliBackend(options.backend);
  const { openClassifier, loadShippedClassifier, NoShippedWeightsError } = await import('@heed/point-transformer');
  if (options.weights !== undefined) return { ...(await openClassifier(options.weights, readFileOrNull, { variant: options.model })), backend };
  const dir = process.env[WEIGHTS_DIR_ENV];
  try {
    const base = dir ? pathToFileURL(dir.endsWith('/') ? dir : `${dir}/`) : undefined;
    return { ...(await loadShippedClassifier(options.model, readFileOrNull, base)), backend };
  } catch (error) {
    if (error instanceof NoShippedWeightsError) throw new Error(`${error.message}; pass --weights <checkpoint>`);
    throw error;
  }
}
