import type { PCTVariant } from '../model/pct-config.js';
import { type LoadedClassifier, MissingWeightsError, openClassifier } from './load-classifier.js';
import type { ReadBytes } from './read-bytes.js';

/**
 * Where @heed/point-transformer keeps its pretrained classifiers: the package's `weights/` folder
 * (resolved from this module, so the same from `src/` and `dist/`).
 *
 * @example
 * ```ts
 * new URL('pct-classification.safetensors', SHIPPED_WEIGHTS_BASE); // …/point-transformer/weights/pct-classification.safetensors
 * ```
 */
export const SHIPPED_WEIGHTS_BASE: URL = new URL('../../weights/', import.meta.url);

/**
 * The files of one shipped classifier.
 *
 * @example
 * ```ts
 * const { weights, classes } = shippedWeights('pct');
 * ```
 */
export interface ShippedWeights {
  variant: PCTVariant;
  /** `weights/<variant>-classification.safetensors`: the weights under the reference names. */
  weights: URL;
  /**
   * `weights/<variant>-classification.classes.json`: the class names (a JSON array), unless the safetensors
   * metadata carries them (`__metadata__.classes`).
   */
  classes: URL;
}

/**
 * The locations of the pretrained classifier shipped for a variant — `weights/<variant>-classification.safetensors`
 * and `weights/<variant>-classification.classes.json` under `base` (default {@link SHIPPED_WEIGHTS_BASE}; a viewer
 * passes the URL it serves them from). Only locations: whether the files exist is known when they
 * are read ({@link loadShippedClassifier}).
 *
 * @example
 * ```ts
 * shippedWeights('pct').weights.href; // 'file:///…/packages/point-transformer/weights/pct-classification.safetensors'
 * shippedWeights('spct', new URL('https://example.org/heed/')).weights.href; // 'https://example.org/heed/spct-classification.safetensors'
 * ```
 */
export function shippedWeights(variant: PCTVariant, base: URL | string = SHIPPED_WEIGHTS_BASE): ShippedWeights {
  if (!['pct', 'spct', 'npct'].includes(variant)) throw new Error(`shippedWeights: unknown model '${variant}' (expected pct, spct or npct)`);
  return { variant, weights: new URL(`${variant}-classification.safetensors`, base), classes: new URL(`${variant}-classification.classes.json`, base) };
}

/**
 * Loads the shipped classifier of a variant through `read` (class names from the safetensors
 * metadata or the `.classes.json` beside it). Rejects with {@link NoShippedWeightsError} while
 * the weights file does not exist.
 *
 * @example
 * ```ts
 * try {
 *   const { model, classes } = await loadShippedClassifier('pct', fetchOrNull);
 * } catch (e) {
 *   if (e instanceof NoShippedWeightsError) console.log(e.message); // 'no shipped weights for pct yet'
 * }
 * ```
 */
export async function loadShippedClassifier(variant: PCTVariant, read: ReadBytes, base?: URL | string): Promise<LoadedClassifier> {
  const { weights } = shippedWeights(variant, base);
  try {
    return await openClassifier(weights.href, read, { variant, fileName: `${variant}.safetensors (shipped)` });
  } catch (e) {
    if (e instanceof MissingWeightsError) throw new NoShippedWeightsError(variant);
    throw e;
  }
}

/**
 * There are no pretrained weights for the variant (yet).
 *
 * @example
 * ```ts
 * new NoShippedWeightsError('spct').message; // 'no shipped weights for spct yet'
 * ```
 */
export class NoShippedWeightsError extends Error {
  override name = 'NoShippedWeightsError';
  constructor(readonly variant: PCTVariant) {
    super(`no shipped weights for ${variant} yet`);
  }
}
