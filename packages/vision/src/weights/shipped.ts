/** The trained weights that ship in packages/vision/weights/. */
import type { VisionModel, VisionModelKind } from '../models/vision-model.js';
import { type VisionWeightsFile, visionModelFromWeights } from './weights-file.js';

/**
 * The shipped weight file of `kind` (weights/cbam.json or weights/vit.json), imported as a JSON
 * module: Node ≥ 20.10 and bundlers (Vite, Rollup, webpack) resolve it next to the package, so
 * browsers get it as a lazily loaded chunk.
 *
 * @example
 * ```ts
 * const file = await shippedVisionWeights('vit');
 * file.metadata; // training command, wall time, held-out metrics
 * ```
 */
export async function shippedVisionWeights(kind: VisionModelKind): Promise<VisionWeightsFile> {
  if (kind !== 'cbam' && kind !== 'vit') throw new Error(`no shipped weights for "${String(kind)}" (cbam or vit)`);
  // Relative to src/weights/ and dist/weights/ alike, ../../weights/ is the package's weights
  // folder. A template literal (not two literal imports) keeps tsc from pulling the JSON into the
  // program, and is the form bundlers' dynamic-import-vars understand.
  const module = (await import(`../../weights/${kind}.json`, { with: { type: 'json' } })) as { default: VisionWeightsFile };
  return module.default;
}

/**
 * Loads a shipped, trained model on the active tfjs backend.
 *
 * @example
 * ```ts
 * const model = await loadShippedVisionModel('cbam');
 * const { accuracy } = await evaluateVision(model, { seed: 4242, count: 200 });
 * ```
 */
export async function loadShippedVisionModel(kind: VisionModelKind): Promise<VisionModel> {
  return visionModelFromWeights(await shippedVisionWeights(kind));
}
