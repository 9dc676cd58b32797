import {
  PART_CATEGORIES, type PCTModel, type PCTTask, type PCTVariant, createPCT, loadClassifier, readSafetensors,
} from '@heed/point-transformer';
import type { ModelDescriptor } from '../protocol.js';

/** The `<name>.config.json` that `heed train` writes beside shipped weights. */
interface ShippedConfig {
  variant: PCTVariant;
  task: PCTTask;
  numClasses: number;
  points: number;
  numCategories?: number;
  stages?: { numSamples: number | 'all'; k: number }[];
  rotation?: string;
}

/** A model ready to run, with what the viewer needs to label its outputs. */
export interface LoadedModel {
  descriptor: ModelDescriptor;
  model: PCTModel;
  /** Class names (classification) or part names `category/part` (segmentation). */
  labels: string[];
}

// Every file of @heed/point-transformer's weights/ folder, bundled as an asset URL: whatever
// `heed train` has shipped there shows up here, nothing else.
const shippedFiles = import.meta.glob('@heed-pct-weights/*.{safetensors,json}', { query: '?url', import: 'default', eager: true }) as Record<string, string>;

function shippedUrl(fileName: string): string | undefined {
  const key = Object.keys(shippedFiles).find((k) => k.endsWith(`/${fileName}`));
  return key ? shippedFiles[key] : undefined;
}

const VARIANTS: readonly PCTVariant[] = ['pct', 'spct', 'npct'];
const TASKS: readonly PCTTask[] = ['classification', 'segmentation'];
const VARIANT_LABEL: Record<PCTVariant, string> = { pct: 'PCT', spct: 'SPCT', npct: 'NPCT' };

/**
 * Every PCT variant × task, shipped or not: the unshipped ones are listed as unavailable so the
 * model picker says what exists. `points` of an unshipped entry is the paper's 1024.
 *
 * @example
 * ```ts
 * const models = await shippedCatalog(); // [{ id: 'pct-classification', available: true, points: 256, … }, …]
 * ```
 */
export async function shippedCatalog(): Promise<ModelDescriptor[]> {
  const out: ModelDescriptor[] = [];
  for (const task of TASKS) {
    for (const variant of VARIANTS) {
      const id = `${variant}-${task}`;
      const configUrl = shippedUrl(`${id}.config.json`);
      const available = !!shippedUrl(`${id}.safetensors`) && !!configUrl;
      const config = configUrl ? await fetchJson<ShippedConfig>(configUrl) : undefined;
      out.push({
        id, variant, task, available,
        label: `${VARIANT_LABEL[variant]} ${task === 'classification' ? 'classifier' : 'part segmenter'}`,
        points: config?.points ?? 1024,
        ...(available ? { note: `shipped; trained on ${config!.points}-point procedural clouds (${config!.rotation ?? 'so3'} poses)` } : { note: 'no shipped weights for this model yet' }),
      });
    }
  }
  return out;
}

/**
 * Loads a shipped model by catalogue id (`pct-classification`, `spct-segmentation`…).
 *
 * @example
 * ```ts
 * const { model, labels } = await loadShippedModel('pct-classification');
 * ```
 */
export async function loadShippedModel(id: string): Promise<LoadedModel> {
  const weightsUrl = shippedUrl(`${id}.safetensors`);
  const configUrl = shippedUrl(`${id}.config.json`);
  const classesUrl = shippedUrl(`${id}.classes.json`);
  if (!weightsUrl || !configUrl || !classesUrl) throw new Error(`model "${id}": no shipped weights (shipped: ${shippedIds().join(', ') || 'none'})`);
  const [config, labels, bytes] = await Promise.all([fetchJson<ShippedConfig>(configUrl), fetchJson<string[]>(classesUrl), fetchBytes(weightsUrl)]);
  const model = createPCT({
    variant: config.variant, task: config.task, numClasses: config.numClasses,
    ...(config.stages ? { stages: config.stages } : {}),
    ...(config.task === 'segmentation' ? { numCategories: config.numCategories ?? PART_CATEGORIES.length } : {}),
  });
  try {
    model.loadStateDict(readSafetensors(bytes, { fileName: `${id}.safetensors` }), { source: `${id}.safetensors` });
  } catch (e) {
    model.dispose();
    throw e;
  }
  const descriptor: ModelDescriptor = {
    id, variant: config.variant, task: config.task, points: config.points, available: true,
    label: `${VARIANT_LABEL[config.variant]} ${config.task === 'classification' ? 'classifier' : 'part segmenter'}`,
  };
  return { descriptor, model, labels };
}

/**
 * Loads a user's checkpoint of the reference PyTorch port (safetensors, or the zip `torch.save`
 * writes as `.pth` / `.t7`): a 1024-point classifier unless the file says otherwise.
 *
 * @example
 * ```ts
 * const loaded = loadUserCheckpoint(new Uint8Array(await file.arrayBuffer()), file.name);
 * ```
 */
export function loadUserCheckpoint(bytes: Uint8Array, fileName: string): LoadedModel {
  const { model, classes, points } = loadClassifier(bytes, { fileName });
  const variant = model.config.variant;
  const labels = classes ?? Array.from({ length: model.config.numClasses }, (_, i) => `class ${i}`);
  return {
    model, labels,
    descriptor: { id: `file:${fileName}`, label: `${fileName} (${VARIANT_LABEL[variant]})`, variant, task: 'classification', points, available: true },
  };
}

function shippedIds(): string[] {
  return Object.keys(shippedFiles).filter((k) => k.endsWith('.safetensors')).map((k) => k.replace(/^.*\//, '').replace(/\.safetensors$/, ''));
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

async function fetchJson<T>(url: string): Promise<T> {
  return JSON.parse(new TextDecoder().decode(await fetchBytes(url))) as T;
}
