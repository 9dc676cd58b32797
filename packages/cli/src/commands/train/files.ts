import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseTrainState, type TrainConfig, type TrainingCheckpoint } from '@heed/point-transformer';

/** Describes a shipped model next to its weights: `<name>.config.json`. */
export interface ModelFileConfig {
  variant: TrainConfig['variant'];
  task: TrainConfig['task'];
  numClasses: number;
  numCategories?: number;
  stages?: TrainConfig['stages'];
  /** Points per cloud the model was trained on. */
  points: number;
  /** Pose of the generated clouds it was trained on ('so3' when absent). */
  rotation?: 'so3' | 'up' | 'none';
}

/** Writes through a temporary file and a rename, so a crash never leaves half a checkpoint. */
function writeAtomic(path: string, data: Uint8Array | string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(`${path}.tmp`, data);
  renameSync(`${path}.tmp`, path);
}

/** `<dir>/checkpoint.safetensors`, `checkpoint.optimizer.safetensors`, `checkpoint.json` (last). */
export function writeCheckpoint(dir: string, c: TrainingCheckpoint): void {
  writeAtomic(join(dir, 'checkpoint.safetensors'), c.weights);
  writeAtomic(join(dir, 'checkpoint.optimizer.safetensors'), c.optimizer);
  writeAtomic(join(dir, 'checkpoint.json'), `${JSON.stringify(c.state, null, 1)}\n`);
}

/** Reads a checkpoint written by {@link writeCheckpoint}: `path` is its directory or its checkpoint.json. */
export function readCheckpointFiles(path: string): TrainingCheckpoint {
  const dir = existsSync(path) && statSync(path).isDirectory() ? path : dirname(path);
  const json = join(dir, 'checkpoint.json');
  if (!existsSync(json)) throw new Error(`${path}: no checkpoint.json there (expected a directory written by heed train)`);
  const state = parseTrainState(JSON.parse(readFileSync(json, 'utf8')), json);
  return {
    state,
    weights: new Uint8Array(readFileSync(join(dir, 'checkpoint.safetensors'))),
    optimizer: new Uint8Array(readFileSync(join(dir, 'checkpoint.optimizer.safetensors'))),
  };
}

/** The shipped-model files: `<dir>/<name>.safetensors`, `<name>.classes.json` (label names in label order), `<name>.config.json`. */
export function writeModelFiles(dir: string, name: string, weights: Uint8Array, config: TrainConfig): void {
  writeAtomic(join(dir, `${name}.safetensors`), weights);
  writeAtomic(join(dir, `${name}.classes.json`), `${JSON.stringify(config.labelNames)}\n`);
  const described: ModelFileConfig = {
    variant: config.variant, task: config.task, numClasses: config.numClasses, points: config.points,
    ...(config.stages ? { stages: config.stages } : {}),
    ...(config.numCategories !== undefined ? { numCategories: config.numCategories } : {}),
    ...(config.generator?.rotation ? { rotation: config.generator.rotation } : {}),
  };
  writeAtomic(join(dir, `${name}.config.json`), `${JSON.stringify(described, null, 1)}\n`);
}

/** `<weights without .safetensors>.config.json`, when present. */
export function readModelConfig(weightsPath: string): ModelFileConfig | undefined {
  const path = `${weightsPath.replace(/\.safetensors$/, '')}.config.json`;
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as ModelFileConfig) : undefined;
}
