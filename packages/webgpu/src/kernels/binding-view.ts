/**
 * Binding part of a tensor. tfjs-backend-webgpu binds every tensor whole (`{ buffer }`), so one
 * larger than `maxStorageBufferBindingSize` cannot be bound at all (Dawn raises a validation error
 * and the output is garbage). Here a kernel binds ranges of slices (runs of the leading dimension)
 * instead: a "view" is a TensorInfo of its own whose tensorMap entry holds the parent's GPUBuffer
 * as `external` (tfjs never releases an external buffer), and a wrapper of the backend's
 * `tensorToBinding` gives it `{ buffer, offset, size }`.
 */
import type { DataId, TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';

let limitOverride: number | null = null;

/**
 * Lowers the storage binding limit below the device's `maxStorageBufferBindingSize` (tests use a
 * tiny one to exercise binding views); `null` removes the override. Returns the previous override.
 *
 * @example
 * ```ts
 * const previous = setStorageBindingLimit(4096); // bind at most 4 KiB of a tensor per dispatch
 * setStorageBindingLimit(previous);
 * ```
 */
export function setStorageBindingLimit(bytes: number | null): number | null {
  if (bytes !== null && (!Number.isInteger(bytes) || bytes < 4)) throw new Error(`setStorageBindingLimit: bytes must be an integer ≥ 4 or null, got ${bytes}`);
  const previous = limitOverride;
  limitOverride = bytes;
  return previous;
}

/**
 * The most bytes of one tensor a dispatch may bind: the device's limit, or the lower override of
 * {@link setStorageBindingLimit}.
 *
 * @example
 * ```ts
 * storageBindingLimit(backend.device.limits); // 134217728 on many devices
 * ```
 */
export function storageBindingLimit(limits: { maxStorageBufferBindingSize: number }): number {
  return Math.min(limits.maxStorageBufferBindingSize, limitOverride ?? Infinity);
}

/**
 * How many slices from `first` one binding of a tensor of `slices` slices of `sliceBytes` each
 * can hold: Infinity when the whole tensor fits (it is bound whole), else as many as fit after
 * rounding the offset down to `alignment`. Throws, naming the tensor, when not even the slice at
 * `first` fits.
 *
 * @example
 * ```ts
 * slicesThatFit('k', 2368, 5, 2, 4836, 256); // 1: offset 4736 rounds down to 4608
 * ```
 */
function slicesThatFit(name: string, sliceBytes: number, slices: number, first: number, limit: number, alignment: number): number {
  if (sliceBytes * slices <= limit) return Infinity;
  const pad = (first * sliceBytes) % alignment;
  const fit = Math.floor((limit - pad) / sliceBytes);
  if (fit < 1) {
    const why = pad > 0 && sliceBytes <= limit ? ` (+ ${pad} to align the binding offset to ${alignment})` : '';
    throw new Error(`${name}: one slice is ${sliceBytes} bytes${why}, more than the storage binding limit of ${limit} bytes`);
  }
  return fit;
}

/** A range of slices one dispatch binds: [first, first + count). */
export interface SliceSpan {
  first: number;
  count: number;
}

/**
 * Cuts `slices` slices (the leading dimension every tensor of a kernel shares) into consecutive
 * ranges that each tensor can bind within `limit` ({@link slicesThatFit}, the fewest over the
 * tensors), at most `maxPerRange` slices each. `sliceBytes` names each tensor with its bytes per
 * slice — outputs too, so planning before allocating them means the error leaves nothing behind.
 * Throws `"<kernel>: <tensor>: one slice is … bytes, more than the storage binding limit of … bytes"`.
 *
 * @example
 * ```ts
 * // 5 clouds of 37 queries and points (444 bytes each), k = 4 (592 bytes of output per cloud)
 * planSliceRanges('HeedKNearestNeighbours', 5, { query: 444, points: 444, out: 592 }, 1300, 256);
 * // [{ first: 0, count: 2 }, { first: 2, count: 1 }, { first: 3, count: 1 }, { first: 4, count: 1 }]
 * ```
 */
export function planSliceRanges(
  kernel: string, slices: number, sliceBytes: Record<string, number>, limit: number, alignment: number, maxPerRange = slices,
): SliceSpan[] {
  const ranges: SliceSpan[] = [];
  for (let first = 0; first < slices;) {
    let count = Math.max(1, Math.min(slices - first, maxPerRange));
    for (const [name, bytes] of Object.entries(sliceBytes)) {
      count = Math.min(count, slicesThatFit(`${kernel}: ${name}`, bytes, slices, first, limit, alignment));
    }
    ranges.push({ first, count });
    first += count;
  }
  return ranges;
}

/** What a kernel binds for one tensor: the tensor itself or a view, and where slice `first` starts. */
export interface SliceBinding {
  /** The tensor (bound whole) or a view of slices [first, first + count). */
  info: TensorInfo;
  /** Element offset of slice `first` within what is bound. */
  base: number;
}

const viewRanges = new WeakMap<DataId, { offset: number; size: number; parent: DataId }>();
const wrapped = new WeakSet<WebGPUBackend>();

/** The backend's private members used here (tfjs-backend-webgpu 4.x). */
type Internals = {
  tensorToBinding(t: TensorInfo | null): GPUBindingResource | null;
  commandQueueOwnedIds: WeakSet<DataId>;
};

/** Once per backend instance: views bind their byte range of the parent's buffer. */
function wrapTensorToBinding(gpu: WebGPUBackend): void {
  if (wrapped.has(gpu)) return;
  wrapped.add(gpu);
  const internals = gpu as unknown as Internals;
  const original = internals.tensorToBinding.bind(gpu);
  internals.tensorToBinding = (t) => {
    const range = t && viewRanges.get(t.dataId);
    if (!range) return original(t);
    // As tfjs does for what it binds: a parent disposed before the queue is submitted keeps its
    // buffer until then.
    internals.commandQueueOwnedIds.add(range.parent);
    return { buffer: gpu.tensorMap.get(t.dataId).resource as GPUBuffer, offset: range.offset, size: range.size };
  };
}

/**
 * Runs `run` with the bindings of slices [first, first + count) of each tensor (float32 or
 * int32, slices along the leading dimension): tensors within `limit` bytes are bound whole, others
 * through views whose offset is rounded down to `alignment` (the device's
 * `minStorageBufferOffsetAlignment`) — `base` says where slice `first` starts. The views are
 * disposed after `run` (their buffer, the parent's, is external to them: it stays).
 *
 * @example
 * ```ts
 * // slice 2 of q [bh, t, d] into slice 2 of out, by a program with uniforms `qBase : i32, outBase : i32,`
 * bindSlices(gpu, [q, out], 2, 1, storageBindingLimit(gpu.device.limits), gpu.device.limits.minStorageBufferOffsetAlignment,
 *   ([bq, bo]) => gpu.runWebGPUProgram(program, [bq!.info], 'float32', [{ type: 'int32', data: [bq!.base] }, { type: 'int32', data: [bo!.base] }], bo!.info));
 * ```
 */
export function bindSlices<T>(
  gpu: WebGPUBackend, tensors: TensorInfo[], first: number, count: number, limit: number, alignment: number,
  run: (bound: SliceBinding[]) => T,
): T {
  const views: DataId[] = [];
  try {
    const bound = tensors.map((t): SliceBinding => {
      const [slices = 1, ...rest] = t.shape;
      const sliceElements = rest.reduce((a, b) => a * b, 1);
      if (slices * sliceElements * 4 <= limit) return { info: t, base: first * sliceElements };
      gpu.uploadToGPU(t.dataId); // the parent's buffer must exist before a view can point into it
      const start = first * sliceElements * 4;
      const offset = start - (start % alignment);
      const view = gpu.makeTensorInfo([count, ...rest], t.dtype);
      views.push(view.dataId);
      Object.assign(gpu.tensorMap.get(view.dataId), { resource: gpu.tensorMap.get(t.dataId).resource, external: true });
      viewRanges.set(view.dataId, { offset, size: (first + count) * sliceElements * 4 - offset, parent: t.dataId });
      return { info: view, base: (start - offset) / 4 };
    });
    if (views.length) wrapTensorToBinding(gpu);
    return run(bound);
  } finally {
    // A view still used by queued commands is released at the next submit, and then only from
    // the tensorMap: `external` keeps tfjs from releasing the buffer.
    for (const id of views) gpu.disposeData(id);
  }
}
