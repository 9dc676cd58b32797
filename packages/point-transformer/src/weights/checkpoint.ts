import type { StateDict } from '../nn/host-tensor.js';
import { PCTModel } from '../model/pct-model.js';
import type { PCTOptions } from '../model/pct-config.js';
import { readSafetensors, writeSafetensors } from './safetensors.js';
import { stripModulePrefix } from './state-dict.js';
import { readTorchZip } from './torch-zip.js';

/** Options of {@link readCheckpoint}. */
export interface CheckpointOptions {
  /** Names the file in errors; its extension is not needed to detect the format. */
  fileName?: string;
}

/**
 * Reads a checkpoint's tensors: a `torch.save` zip (`.pth`, `.t7`, detected by its "PK" magic)
 * or safetensors. Keys keep their names (a DataParallel `module.` prefix included).
 *
 * @example
 * ```ts
 * const sd = readCheckpoint(await (await fetch('/models/pct.t7')).arrayBuffer(), { fileName: 'pct.t7' });
 * ```
 */
export function readCheckpoint(buffer: ArrayBuffer | Uint8Array, options: CheckpointOptions = {}): StateDict {
  const bytes = buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer);
  const isZip = bytes[0] === 0x50 && bytes[1] === 0x4b;
  return isZip ? readTorchZip(bytes, options) : readSafetensors(bytes, options);
}

/** Options of {@link loadReferenceCheckpoint}. */
export interface LoadReferenceOptions extends CheckpointOptions, Partial<Pick<PCTOptions, 'variant' | 'stages' | 'dropout'>> {}

/**
 * Builds a PCT model from a checkpoint of the reference port (or one Heed saved): the format is
 * detected, a `module.` prefix stripped, and the architecture inferred from the tensors
 * (`gather_local_*` → 'pct', else 'spct', or 'npct' when the query/key weights differ;
 * `linear3` → classification with its class count; `convs3` → segmentation). Pass `variant` or
 * `stages` to override the inference.
 *
 * @example
 * ```ts
 * const model = loadReferenceCheckpoint(buffer, { fileName: 'best_model.t7' });
 * const { logits } = model.predict(points); // [B, 40] for a ModelNet40 checkpoint
 * ```
 */
export function loadReferenceCheckpoint(buffer: ArrayBuffer | Uint8Array, options: LoadReferenceOptions = {}): PCTModel {
  const file = options.fileName ?? 'checkpoint';
  const sd = stripModulePrefix(readCheckpoint(buffer, options));
  const model = new PCTModel({ ...inferPCTOptions(sd, file), ...definedOnly(options) });
  try {
    model.loadStateDict(sd, { source: file });
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}

/**
 * The {@link PCTOptions} a state dict was made with, as far as its tensors tell.
 *
 * @example
 * ```ts
 * inferPCTOptions(readCheckpoint(buffer)); // { variant: 'pct', task: 'classification', numClasses: 40 }
 * ```
 */
export function inferPCTOptions(stateDict: StateDict, file = 'checkpoint'): PCTOptions {
  const sd = stripModulePrefix(stateDict);
  const neighbour = sd.has('gather_local_0.conv1.weight');
  const q = sd.get('pt_last.sa1.q_conv.weight'), k = sd.get('pt_last.sa1.k_conv.weight');
  const untied = q !== undefined && k !== undefined && q.data.some((x: number | bigint, i: number) => x !== k.data[i]);
  const variant = neighbour ? 'pct' : untied ? 'npct' : 'spct';
  const cls = sd.get('linear3.weight'), seg = sd.get('convs3.weight');
  if (cls) return { variant, task: 'classification', numClasses: cls.shape[0]! };
  if (seg) {
    const label = sd.get('label_conv.0.weight');
    return { variant, task: 'segmentation', numClasses: seg.shape[0]!, numCategories: label ? label.shape[1]! : 0 };
  }
  throw new Error(`${file}: not a PCT checkpoint: neither linear3.weight (classification) nor convs3.weight (segmentation) is present`);
}

/**
 * Heed's own weights as a safetensors file under the reference names (a tied query/key weight is
 * written once, as `q_conv.weight`, like the safetensors library does).
 *
 * @example
 * ```ts
 * const bytes = saveSafetensors(model); // Uint8Array; loadReferenceCheckpoint(bytes) restores it
 * const read = saveSafetensors(model, await model.stateDictAsync()); // the same, read asynchronously
 * ```
 */
export function saveSafetensors(model: PCTModel, stateDict: StateDict = model.stateDict()): Uint8Array {
  const sd = new Map(stateDict);
  if (model.config.tieQueryKey) for (const key of [...sd.keys()]) if (key.endsWith('.k_conv.weight')) sd.delete(key);
  return writeSafetensors(sd, { format: 'pt', producer: '@heed/point-transformer', variant: model.config.variant });
}

function definedOnly(o: LoadReferenceOptions): Partial<PCTOptions> {
  const out: Partial<PCTOptions> = {};
  if (o.variant !== undefined) out.variant = o.variant;
  if (o.stages !== undefined) out.stages = o.stages;
  if (o.dropout !== undefined) out.dropout = o.dropout;
  return out;
}
