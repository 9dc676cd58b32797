/// <reference lib="webworker" />
/**
 * The viewer's Web Worker: reads clouds, holds the models and runs them, so the page stays
 * responsive. The main thread talks to it through comlink (see {@link ViewerWorkerApi}).
 */
import * as Comlink from 'comlink';
import * as tf from '@tensorflow/tfjs-core';
import type { BackendName, BackendReport, LoadedCloud, ModelDescriptor, ModelRun, VisionPicture } from '../protocol.js';
import { useBackend } from './backend-setup.js';
import { type LoadedModel, loadShippedModel, loadUserCheckpoint, shippedCatalog } from './model-catalog.js';
import { runModel } from './model-run.js';
import { SAMPLE_NAMES, openCloudBytes, openSample } from './open-cloud.js';

let backend: BackendReport | undefined;
let cloud: LoadedCloud | undefined;
let current: LoadedModel | undefined;
const models = new Map<string, LoadedModel>();
/** The user's checkpoints by model id, kept so a backend switch can rebuild them (nothing lost). */
const checkpoints = new Map<string, { bytes: Uint8Array; fileName: string }>();

/** Sends a copy of the cloud to the page (the worker keeps its own for the model). */
function forPage(c: LoadedCloud): LoadedCloud {
  const copy: LoadedCloud = { ...c, positions: c.positions.slice(), ...(c.colors ? { colors: c.colors.slice() } : {}), ...(c.scalar ? { scalar: { name: c.scalar.name, values: c.scalar.values.slice() } } : {}) };
  const transfer = [copy.positions.buffer, copy.colors?.buffer, copy.scalar?.values.buffer].filter((b): b is ArrayBuffer => !!b);
  return Comlink.transfer(copy, transfer);
}

const api = {
  /** Makes `name` the tfjs backend (WebGPU falls back to wasm with a reason). */
  async setBackend(name: BackendName): Promise<BackendReport> {
    if (backend?.requested === name) return backend;
    backend = await useBackend(name);
    // Models hold weights on the previous backend: rebuild them on the new one when next used.
    for (const m of models.values()) m.model.dispose();
    models.clear();
    current = undefined;
    return backend;
  },

  catalog(): Promise<ModelDescriptor[]> {
    return shippedCatalog();
  },

  samples(): readonly string[] {
    return SAMPLE_NAMES;
  },

  async openSample(name: string): Promise<LoadedCloud> {
    cloud = await openSample(name);
    return forPage(cloud);
  },

  async openFile(bytes: Uint8Array, fileName: string): Promise<LoadedCloud> {
    // The previous cloud stays current until this one has been read: a bad file loses nothing.
    const next = await openCloudBytes(bytes, fileName);
    cloud = next;
    return forPage(next);
  },

  async useModel(id: string): Promise<ModelDescriptor> {
    let m = models.get(id);
    if (!m) {
      const checkpoint = checkpoints.get(id);
      m = checkpoint ? loadUserCheckpoint(checkpoint.bytes, checkpoint.fileName) : await loadShippedModel(id);
      models.set(id, m);
    }
    current = m;
    return m.descriptor;
  },

  async useCheckpoint(bytes: Uint8Array, fileName: string): Promise<ModelDescriptor> {
    const m = loadUserCheckpoint(bytes, fileName);
    models.get(m.descriptor.id)?.model.dispose();
    models.set(m.descriptor.id, m);
    checkpoints.set(m.descriptor.id, { bytes, fileName });
    current = m;
    return m.descriptor;
  },

  async run(category?: string): Promise<ModelRun> {
    if (!cloud) throw new Error('no cloud is open');
    if (!current) throw new Error('no model is loaded');
    const run = await runModel(current, cloud.positions, { backend: backend?.backend ?? (tf.getBackend() as BackendName), ...(category ?? cloud.category ? { category: category ?? cloud.category } : {}) });
    const buffers = [run.layerXyz.buffer, run.nearestLayerPoint.buffer, run.rollout.buffer, ...run.layers.map((l) => l.mixing.buffer), run.partLabels?.buffer];
    return Comlink.transfer(run, buffers.filter((b): b is ArrayBuffer => !!b));
  },

  /** A new image of the vision task with the shipped CBAM CNN's spatial attention beside it. */
  async visionPicture(seed: number): Promise<VisionPicture> {
    const { loadShippedVisionModel, renderModelOverlay } = await import('@heed/vision');
    const model = (visionModel ??= await loadShippedVisionModel('cbam'));
    const { overlay, predicted, truth } = await renderModelOverlay(model, { seed, scale: 6 });
    const rgba = new Uint8ClampedArray(overlay.data);
    return Comlink.transfer({ width: overlay.width, height: overlay.height, rgba, predicted: String(predicted), truth: String(truth), seed }, [rgba.buffer]);
  },

  /** Tensors alive in the worker (the page's leak check after many runs). */
  numTensors(): number {
    return tf.memory().numTensors;
  },
};

let visionModel: Awaited<ReturnType<typeof import('@heed/vision').loadShippedVisionModel>> | undefined;

/** What the worker offers the page. */
export type ViewerWorkerApi = typeof api;

Comlink.expose(api);
