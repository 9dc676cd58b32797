/**
 * Surviving a lost WebGPU device. A device can be lost at any time (driver reset or update, GPU
 * process crash, a laptop switching GPUs, `device.destroy()`); every buffer on it is gone. tfjs
 * itself does not notice: the next op fails or returns garbage. Here the loss is caught from
 * `device.lost`, a new device (or the fallback backend) replaces the old one under the name
 * 'webgpu', and the tensors the caller asked to keep are written back under the same Tensor
 * objects and data ids, so models and variables keep working without being rebuilt.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { WebGPUInit } from './init-webgpu.js';

/**
 * Thrown when reading (or computing with) a tensor whose data lived only on a lost device.
 *
 * @example
 * ```ts
 * try { await t.data(); } catch (e) { if (e instanceof DeviceLostError) rebuild(); }
 * ```
 */
export class DeviceLostError extends Error {
  override name = 'DeviceLostError';
}

/** What {@link onDeviceLost} listeners receive once the loss has been dealt with. */
export interface DeviceLossEvent {
  /** `GPUDeviceLostInfo.reason`: 'destroyed' or 'unknown'. */
  reason: string;
  /** The driver's message, when it gave one. */
  message: string;
  /** The backend now active: a new WebGPU device, or the fallback with its reason. */
  init: WebGPUInit;
  /** Tensors written back from their host copies (see {@link preserveAcrossDeviceLoss}). */
  restored: number;
}

type Listener = (event: DeviceLossEvent) => void;

interface HostCopy {
  values: tf.backend_util.BackendValues;
  shape: number[];
  dtype: tf.DataType;
}

const listeners = new Set<Listener>();
const preserved = new Map<tf.Tensor, HostCopy | undefined>();
let recovering: Promise<DeviceLossEvent> | undefined;

/**
 * Calls `listener` after each device loss, once the replacement backend is active and preserved
 * tensors are back. Returns a function that unsubscribes.
 *
 * @example
 * ```ts
 * const stop = onDeviceLost(({ reason, init }) => console.warn(`GPU lost (${reason}); now on ${init.backend}`));
 * ```
 */
export function onDeviceLost(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * The recovery in progress, if a device loss is being dealt with; resolves with its event.
 *
 * @example
 * ```ts
 * await deviceRecovery(); // before retrying work that failed with DeviceLostError
 * ```
 */
export function deviceRecovery(): Promise<DeviceLossEvent> | undefined {
  return recovering;
}

/**
 * Keeps host copies of `tensors` (weights, variables, inputs) so that a device loss does not lose
 * them: after recovery they hold their values again on the new backend, as the same objects.
 * Copies are taken now; a variable assigned later comes back with the value of the last
 * {@link refreshPreserved} (a training loop would call it at each checkpoint). Disposed tensors
 * are dropped from the set on their own.
 *
 * @example
 * ```ts
 * await initWebGPU();
 * const model = createPCT({ variant: 'pct', numClasses: 40 });
 * await preserveAcrossDeviceLoss(model.weights.map((w) => w.read()));
 * ```
 */
export async function preserveAcrossDeviceLoss(tensors: tf.Tensor[]): Promise<void> {
  for (const t of tensors) preserved.set(t, undefined);
  await refreshPreserved();
}

/**
 * Takes fresh host copies of every preserved tensor (reads them back from the device).
 *
 * @example
 * ```ts
 * for (let epoch = 0; epoch < 100; epoch++) { trainEpoch(); await refreshPreserved(); }
 * ```
 */
export async function refreshPreserved(): Promise<void> {
  const live = [...preserved.keys()].filter((t) => !t.isDisposed);
  const values = await Promise.all(live.map((t) => t.data()));
  preserved.clear();
  live.forEach((t, i) => preserved.set(t, { values: values[i]!, shape: t.shape.slice(), dtype: t.dtype }));
}

/**
 * Stops keeping host copies of `tensors`, or of every tensor when called without arguments.
 *
 * @example
 * ```ts
 * releasePreserved(model.weights.map((w) => w.read()));
 * ```
 */
export function releasePreserved(tensors?: tf.Tensor[]): void {
  if (!tensors) preserved.clear();
  else for (const t of tensors) preserved.delete(t);
}

/**
 * Loses the active WebGPU device on purpose (destroys it, as a driver reset would) and resolves
 * once the recovery is done — for testing what an application does after a loss, as
 * `WEBGL_lose_context` does for WebGL. Throws when WebGPU is not the active backend.
 *
 * @example
 * ```ts
 * const { init, restored } = await simulateDeviceLoss(); // { init: { backend: 'webgpu', … }, restored: 12 }
 * ```
 */
export function simulateDeviceLoss(): Promise<DeviceLossEvent> {
  if (tf.getBackend() !== 'webgpu') throw new Error(`simulateDeviceLoss: the active backend is ${tf.getBackend()}, not webgpu`);
  const done = new Promise<DeviceLossEvent>((resolve) => {
    const stop = onDeviceLost((event) => { stop(); resolve(event); });
  });
  (tf.backend() as unknown as { device: GPUDevice }).device.destroy();
  return done;
}

/**
 * Watches `device` (the one behind `backend`); on loss runs `replaceBackend` — which removes the
 * old 'webgpu' backend and activates a new one or the fallback — then writes the preserved
 * tensors into whatever is active. Called by `initWebGPU` for each device it creates.
 */
export function watchDeviceLoss(device: GPUDevice, backend: tf.KernelBackend, replaceBackend: () => Promise<WebGPUInit>): void {
  void device.lost.then((info) => {
    // A backend someone removed on purpose (tf.removeBackend) is not ours to bring back.
    if (tf.findBackend('webgpu') !== backend) return;
    recovering = recover(info, backend, replaceBackend);
    // Whoever awaits deviceRecovery() sees a failure; unawaited, it must not end the process.
    recovering
      .catch((error: unknown) => console.error('[heed] recovering from a lost WebGPU device failed:', error))
      .finally(() => { recovering = undefined; });
  });
}

async function recover(info: GPUDeviceLostInfo, lost: tf.KernelBackend, replaceBackend: () => Promise<WebGPUInit>): Promise<DeviceLossEvent> {
  refuseReads(lost, info);
  // Refcounts live in the lost backend's bookkeeping (plain JS); take them before it is disposed.
  const tensorInfo = engineTensorInfo();
  const moves = [...preserved].flatMap(([tensor, copy]) => {
    const entry = tensor.isDisposed || !copy ? undefined : tensorInfo.get(tensor.dataId);
    return entry?.backend === lost ? [{ tensor, copy: copy!, entry, refCount: lost.refCount(tensor.dataId) }] : [];
  });
  const init = await replaceBackend();
  const active = tf.backend();
  for (const { tensor, copy, entry, refCount } of moves) {
    // `move` keeps what it is given until the upload: hand it a copy, for a second loss.
    active.move(tensor.dataId, copy.values.slice() as tf.backend_util.BackendValues, copy.shape, copy.dtype, refCount);
    entry.backend = active;
  }
  const event: DeviceLossEvent = { reason: info.reason, message: info.message, init, restored: moves.length, };
  for (const listener of listeners) listener(event);
  return event;
}

/**
 * After the loss, data that lived only on the device is gone: reading it (directly, or when an op
 * on the new backend moves it over) throws {@link DeviceLostError} instead of returning garbage.
 * Data tfjs still held on the host (never uploaded) moves over as usual.
 */
function refuseReads(lost: tf.KernelBackend, info: GPUDeviceLostInfo): void {
  const storage = (lost as unknown as { tensorMap: { has(id: object): boolean; get(id: object): { values?: tf.backend_util.BackendValues | null } } }).tensorMap;
  const hostValues = (dataId: object) => (storage.has(dataId) ? storage.get(dataId).values ?? undefined : undefined);
  const gone = () => new DeviceLostError(
    `this tensor's data lived on a WebGPU device that was lost (${info.reason}${info.message ? `: ${info.message}` : ''}) and was not kept by preserveAcrossDeviceLoss()`,
  );
  lost.readSync = (dataId: object) => {
    const values = hostValues(dataId);
    if (values) return values;
    throw gone();
  };
  lost.read = async (dataId: object) => lost.readSync(dataId);
  lost.readToGPU = () => { throw gone(); };
}

type TensorInfoMap = WeakMap<object, { backend: tf.KernelBackend }>;

/** The engine's data-id → backend map: the one place tfjs records where a tensor's data lives. */
function engineTensorInfo(): TensorInfoMap {
  return (tf.engine() as unknown as { state: { tensorInfo: TensorInfoMap } }).state.tensorInfo;
}
