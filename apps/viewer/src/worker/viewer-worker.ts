/// <reference lib="webworker" />
/**
 * The viewer's Web Worker: reads clouds, holds the models and runs them, so the page stays
 * responsive. The main thread talks to it through comlink (see {@link ViewerWorkerApi}).
 */
import * as Comlink from 'comlink';
import * as tf from '@tensorflow/tfjs-core';
import { DeviceLostError, deviceRecovery, onDeviceLost, simulateDeviceLoss } from '@heed/webgpu';
import type { BackendChoice, BackendName, BackendReport, LoadedCloud, ModelDescriptor, ModelRun, OrtBackendName, VisionPicture } from '../protocol.js';
import { useBackend } from './backend-setup.js';
import { type LoadedModel, loadShippedModel, loadUserCheckpoint, shippedCatalog } from './model-catalog.js';
import { runModel } from './model-run.js';
import { SAMPLE_NAMES, openCloudBytes, openSample } from './open-cloud.js';
import { OrtPctSessions } from './ort-pct.js';
import { ortSession } from './ort-runtime.js';
import { type UserOnnxModel, loadUserOnnx, runUserOnnx } from './user-onnx.js';

let backend: BackendReport | undefined;
let cloud: LoadedCloud | undefined;
/** The model runs go to: a PCT (tfjs layers, or their ONNX export on an ort-* backend) or a user's ONNX graph. */
let current: { pct: LoadedModel } | { onnx: UserOnnxModel } | undefined;
const models = new Map<string, LoadedModel>();
/** The user's checkpoints by model id, kept so a backend switch can rebuild them (nothing lost). */
const checkpoints = new Map<string, { bytes: Uint8Array; fileName: string }>();
/** The user's ONNX models by id (sessions on the current engine), and their files for a backend switch. */
const onnxModels = new Map<string, UserOnnxModel>();
const onnxFiles = new Map<string, { bytes: Uint8Array; fileName: string }>();
const ortPct = new OrtPctSessions(ortSession);
/** What the last GPU device loss did, told to the page with the next run. */
let deviceLoss: string | undefined;

// A lost device takes the models' weights with it (@heed/webgpu brings the backend back, on a new
// device or on wasm): rebuild them when next used, as after a backend switch — nothing is lost,
// shipped weights and the user's checkpoints are at hand.
onDeviceLost(({ reason, message, init }) => {
  for (const m of models.values()) m.model.dispose();
  models.clear();
  const now = init.backend === 'webgpu' ? 'a new WebGPU device took its place' : `no new device (${init.reason}), running on ${init.backend}`;
  deviceLoss = `the GPU device was lost (${reason}${message ? `: ${message}` : ''}); ${now}; the model was reloaded`;
  if (backend && init.backend !== 'webgpu') backend = { ...backend, backend: init.backend as BackendName, fallbackReason: `GPU device lost; ${init.reason}` };
});

/** A progress callback from the page (a Comlink proxy); calls are fire-and-forget. */
type Progress = (stage: string) => unknown;

function activeBackend(): BackendName {
  return backend?.backend ?? (tf.getBackend() as BackendName);
}

/** The onnxruntime engine an ort-* backend names (the PCTs' exports run on it); none for the tfjs backends. */
function ortEngine(name: BackendName): OrtBackendName | undefined {
  return name === 'ort-wasm' || name === 'ort-webgpu' ? name : undefined;
}

/** A user's ONNX model always runs on onnxruntime: on WebGPU with a WebGPU backend, else on wasm. */
function userOnnxEngine(): OrtBackendName {
  const name = activeBackend();
  return name === 'ort-webgpu' || name === 'webgpu' ? 'ort-webgpu' : 'ort-wasm';
}

async function loadOnnxFile(bytes: Uint8Array, fileName: string, onProgress?: Progress): Promise<UserOnnxModel> {
  const engine = userOnnxEngine();
  void onProgress?.(`starting onnxruntime (${engine}) for ${fileName}`);
  return loadUserOnnx(bytes, fileName, (b) => ortSession(b, engine));
}

/** A PCT by catalogue id: the one in memory, or loaded (again) from the user's checkpoint or the shipped weights. */
async function modelById(id: string): Promise<LoadedModel> {
  let m = models.get(id);
  if (!m) {
    const checkpoint = checkpoints.get(id);
    m = checkpoint ? loadUserCheckpoint(checkpoint.bytes, checkpoint.fileName) : await loadShippedModel(id);
    models.set(id, m);
  }
  return m;
}

async function runCurrent(category?: string): Promise<ModelRun> {
  if (!cloud) throw new Error('no cloud is open');
  if (!current) throw new Error('no model is loaded');
  if ('onnx' in current) return runUserOnnx(current.onnx, cloud.positions, userOnnxEngine());
  // After a device loss the current model was disposed: load it again.
  if (!models.has(current.pct.descriptor.id)) current = { pct: await modelById(current.pct.descriptor.id) };
  const name = activeBackend();
  const engine = ortEngine(name);
  const forward = engine ? await ortPct.forward(current.pct, engine) : undefined;
  return runModel(current.pct, cloud.positions, { backend: name, ...(forward ? { forward } : {}), ...(category ?? cloud.category ? { category: category ?? cloud.category } : {}) });
}

/** Hands a run to the page, its big arrays transferred. */
function forPageRun<T extends ModelRun | { run: ModelRun }>(value: T): T {
  const run: ModelRun = 'run' in value ? (value as { run: ModelRun }).run : (value as ModelRun);
  const buffers = [
    run.layerXyz.buffer, run.nearestLayerPoint.buffer, run.rollout?.buffer, run.partLabels?.buffer,
    ...run.layers.flatMap((l) => [l.mixing.buffer, l.points?.xyz.buffer, l.points?.nearest.buffer]),
  ];
  return Comlink.transfer(value, [...new Set(buffers.filter((b): b is ArrayBuffer => !!b))]);
}

/** Sends a copy of the cloud to the page (the worker keeps its own for the model). */
function forPage(c: LoadedCloud): LoadedCloud {
  const copy: LoadedCloud = { ...c, positions: c.positions.slice(), ...(c.colors ? { colors: c.colors.slice() } : {}), ...(c.scalar ? { scalar: { name: c.scalar.name, values: c.scalar.values.slice() } } : {}) };
  const transfer = [copy.positions.buffer, copy.colors?.buffer, copy.scalar?.values.buffer].filter((b): b is ArrayBuffer => !!b);
  return Comlink.transfer(copy, transfer);
}

const api = {
  /** Makes `name` the backend models run on (WebGPU falls back to wasm with a reason; `auto` says why it picked one). */
  async setBackend(name: BackendChoice): Promise<BackendReport> {
    if (backend?.requested === name) return backend;
    backend = await useBackend(name);
    // Models hold weights (and sessions) on the previous backend: rebuild them on the new one when next used.
    for (const m of models.values()) m.model.dispose();
    models.clear();
    await ortPct.releaseAll();
    await Promise.all([...onnxModels.values()].map((m) => m.session.release()));
    onnxModels.clear();
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

  /** Makes a model current; on an ort-* backend a PCT is exported to ONNX and started (once per model). */
  async useModel(id: string, onProgress?: Progress): Promise<ModelDescriptor> {
    const file = onnxFiles.get(id);
    if (file) {
      let m = onnxModels.get(id);
      if (!m) onnxModels.set(id, (m = await loadOnnxFile(file.bytes, file.fileName, onProgress)));
      current = { onnx: m };
      return m.descriptor;
    }
    if (id.startsWith('onnx:')) throw new Error(`model "${id}": open the ONNX file to see it`);
    const m = await modelById(id);
    const engine = ortEngine(activeBackend());
    if (engine) {
      void onProgress?.(`exporting ${m.descriptor.label} to ONNX and starting onnxruntime (${engine})`);
      await ortPct.forward(m, engine);
    }
    current = { pct: m };
    return m.descriptor;
  },

  async useCheckpoint(bytes: Uint8Array, fileName: string): Promise<ModelDescriptor> {
    const m = loadUserCheckpoint(bytes, fileName);
    models.get(m.descriptor.id)?.model.dispose();
    await ortPct.forget(m.descriptor.id);
    models.set(m.descriptor.id, m);
    checkpoints.set(m.descriptor.id, { bytes, fileName });
    current = { pct: m };
    return m.descriptor;
  },

  /**
   * Opens a user's ONNX model and runs it on the current cloud. Only a model that loads and runs
   * becomes current: a bad file, a model the cloud cannot feed or a failed run leave the previous
   * model as it was.
   */
  async openOnnx(bytes: Uint8Array, fileName: string, onProgress?: Progress): Promise<{ descriptor: ModelDescriptor; run: ModelRun }> {
    if (!cloud) throw new Error('no cloud is open');
    void onProgress?.(`reading ${fileName}`);
    const m = await loadOnnxFile(bytes, fileName, onProgress);
    let run: ModelRun;
    try {
      void onProgress?.(`running ${fileName} on ${m.session.engine}`);
      run = await runUserOnnx(m, cloud.positions, userOnnxEngine());
    } catch (e) {
      await m.session.release();
      throw e;
    }
    const id = m.descriptor.id;
    const previous = onnxModels.get(id);
    if (previous) await previous.session.release();
    onnxModels.set(id, m);
    onnxFiles.set(id, { bytes, fileName });
    current = { onnx: m };
    return forPageRun({ descriptor: m.descriptor, run });
  },

  async run(category?: string): Promise<ModelRun> {
    let run: ModelRun;
    try {
      run = await runCurrent(category);
    } catch (e) {
      // A run the device loss cut short fails with whatever the driver said: run it once more.
      if (!(e instanceof DeviceLostError) && !deviceRecovery() && !deviceLoss) throw e;
      await deviceRecovery();
      run = await runCurrent(category);
    }
    if (deviceLoss) [run.deviceLoss, deviceLoss] = [deviceLoss, undefined];
    return forPageRun(run);
  },

  /** The backend models run on now (it changes when a lost GPU device could not be replaced). */
  backendReport(): BackendReport | undefined {
    return backend;
  },

  /**
   * Loses the WebGPU device on purpose, as a driver reset would, and resolves once it has been
   * replaced — to try the recovery (tests, the console), like `WEBGL_lose_context` for WebGL.
   */
  async simulateDeviceLoss(): Promise<string> {
    const { init, restored } = await simulateDeviceLoss();
    return `device replaced: now on ${init.backend}; ${restored} tensors restored`;
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
