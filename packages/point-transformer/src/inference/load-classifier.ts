import { PCTModel } from '../model/pct-model.js';
import type { PCTVariant } from '../model/pct-config.js';
import { inferPCTOptions, readCheckpoint } from '../weights/checkpoint.js';
import { stripModulePrefix } from '../weights/state-dict.js';
import { MODEL_POINTS } from './prepare-cloud.js';
import type { GroupingStage } from '../model/neighbour-embedding.js';
import { checkClassNames, classListCandidates, classNamesFromSafetensors, parseClassNames } from './class-names.js';
import type { ReadBytes } from './read-bytes.js';

/**
 * A classifier ready for inference, with its class names when it has any.
 *
 * @example
 * ```ts
 * const { model, classes } = loadClassifier(bytes);
 * const name = classes?.[best] ?? `class ${best}`;
 * ```
 */
export interface LoadedClassifier {
  model: PCTModel;
  /** One name per class, or null when no list came with the weights. */
  classes: string[] | null;
  /** Where the class names came from (a file, or the safetensors metadata); null without names. */
  classesSource: string | null;
  /** Points per cloud the model was trained on (from its `.config.json`; default 1024). */
  points: number;
}

/**
 * The `<weights>.config.json` written by `heed train` beside its weights: the input size and the
 * grouping stages the model was trained with (which the weights alone do not determine).
 */
export interface ClassifierFileConfig {
  points?: number;
  stages?: GroupingStage[];
}

/**
 * Options of {@link loadClassifier}.
 *
 * @example
 * ```ts
 * loadClassifier(bytes, { fileName: 'best_model.t7', variant: 'pct', classes: ['airplane', 'bathtub'] });
 * ```
 */
export interface LoadClassifierOptions {
  /** Names the file in errors. */
  fileName?: string;
  /** The network the caller expects; a checkpoint of another variant is refused. */
  variant?: PCTVariant;
  /** Class names found elsewhere (a side file); the safetensors metadata is used when absent. */
  classes?: string[] | null;
  /** Where `classes` came from, for messages. */
  classesSource?: string;
  /** Input size and grouping stages, when they differ from the reference (see {@link ClassifierFileConfig}). */
  config?: ClassifierFileConfig;
}

/**
 * Builds a PCT classifier from checkpoint bytes: a reference-port `torch.save` zip (`.pth`,
 * `.t7`) or safetensors, keys optionally prefixed `module.`. The variant is inferred from the
 * tensors (see `inferPCTOptions`) and must match `options.variant` when given; segmentation
 * checkpoints are refused. Class names: `options.classes`, else the safetensors metadata (see
 * class-names.ts), else null; their count must match the model's outputs.
 *
 * @example
 * ```ts
 * const { model, classes } = loadClassifier(bytes, { fileName: 'best_model.t7', variant: 'pct' });
 * ```
 */
export function loadClassifier(bytes: Uint8Array, options: LoadClassifierOptions = {}): LoadedClassifier {
  const file = options.fileName ?? 'checkpoint';
  const sd = stripModulePrefix(readCheckpoint(bytes, { fileName: file }));
  const inferred = inferPCTOptions(sd, file);
  if (inferred.task !== 'classification') throw new Error(`${file}: a ${inferred.variant ?? 'pct'} segmentation checkpoint, not a classifier`);
  const variant = inferred.variant ?? 'pct';
  if (options.variant && variant !== options.variant) {
    throw new Error(`${file}: holds a ${variant} model (${VARIANT_EVIDENCE[variant]}), not ${options.variant}`);
  }
  let classes = options.classes ?? null;
  let classesSource = classes ? (options.classesSource ?? 'class names') : null;
  if (!classes) {
    classes = classNamesFromSafetensors(bytes, file);
    classesSource = classes ? `${file} (__metadata__.classes)` : null;
  }
  if (classes) checkClassNames(classes, inferred.numClasses, classesSource!);
  const stages = variant === 'pct' ? options.config?.stages : undefined;
  const model = new PCTModel(stages ? { ...inferred, stages } : inferred);
  try {
    model.loadStateDict(sd, { source: file });
  } catch (e) {
    model.dispose();
    throw e;
  }
  return { model, classes, classesSource, points: options.config?.points ?? MODEL_POINTS };
}

const VARIANT_EVIDENCE: Record<PCTVariant, string> = {
  pct: 'it has gather_local_* neighbour-embedding weights',
  spct: 'no neighbour embedding, tied query/key weights',
  npct: 'no neighbour embedding, separate query/key weights',
};

/**
 * Reads checkpoint bytes at `location` through `read` and loads them with {@link loadClassifier},
 * looking for a class list beside them ({@link classListCandidates}) when the file carries none.
 * Rejects with {@link MissingWeightsError} when `read` finds no file there.
 *
 * @example
 * ```ts
 * const { model, classes } = await openClassifier('/models/pct.safetensors', fetchOrNull, { variant: 'pct' });
 * ```
 */
export async function openClassifier(location: string, read: ReadBytes, options: Omit<LoadClassifierOptions, 'classes' | 'classesSource'> = {}): Promise<LoadedClassifier> {
  const bytes = await read(location);
  if (!bytes) throw new MissingWeightsError(location);
  const file = options.fileName ?? location;
  let classes = classNamesFromSafetensors(bytes, file);
  let classesSource: string | undefined;
  if (!classes) {
    for (const candidate of classListCandidates(location)) {
      const list = await read(candidate);
      if (list) {
        classes = parseClassNames(new TextDecoder().decode(list), candidate);
        classesSource = candidate;
        break;
      }
    }
  } else {
    classesSource = `${file} (__metadata__.classes)`;
  }
  // `heed train` writes <name>.config.json beside <name>.safetensors: input size and grouping.
  const configBytes = await read(location.replace(/\.[^./]*$/, '') + '.config.json');
  const config = configBytes ? (JSON.parse(new TextDecoder().decode(configBytes)) as ClassifierFileConfig) : undefined;
  return loadClassifier(bytes, { ...options, fileName: file, classes, ...(classesSource ? { classesSource } : {}), ...(config ? { config } : {}) });
}

/**
 * No weights file at the given location.
 *
 * @example
 * ```ts
 * await openClassifier('/models/none.pth', read).catch((e) => e instanceof MissingWeightsError); // true
 * ```
 */
export class MissingWeightsError extends Error {
  override name = 'MissingWeightsError';
  constructor(readonly location: string) {
    super(`${location}: no such weights file`);
  }
}
