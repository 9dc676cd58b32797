import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { FusedScaledDotProductAttention, type FusedAttentionAttrs, type FusedAttentionInputs } from '@heed/attention';
import { FlashAttentionProgram, chooseTiles } from './flash-attention-program.js';
import { FlashAttentionTiledProgram, chooseTiledTiles } from './flash-attention-tiled-program.js';
import { dispatchBudget, minDispatchWorkgroups } from './dispatch-budget.js';
import { bindSlices, planSliceRanges, storageBindingLimit } from './binding-view.js';

/** What {@link planAttentionDispatches} needs to know about a call and the device. */
export interface AttentionPlanInput {
  /** Slices (batch × heads), query rows and keys of each. */
  bh: number;
  tq: number;
  tk: number;
  /** Query rows per workgroup. */
  rowsPerWorkgroup: number;
  /** Query–key pairs one dispatch may cover ({@link dispatchBudget}). */
  budget: number;
  /** Workgroups a dispatch keeps at least, budget or not ({@link minDispatchWorkgroups}). */
  minWorkgroups: number;
  /** The device's `maxComputeWorkgroupsPerDimension`. */
  maxWorkgroups: number;
  /** Bytes of one tensor one dispatch may bind, and the alignment of binding offsets. */
  bindingLimit: number;
  alignment: number;
  /** The tensors to bind, by name: bytes per slice (each has `bh` slices). */
  sliceBytes: Record<string, number>;
}

/** One dispatch: query rows [rowStart, rowStart + rows) of slices [sliceStart, sliceStart + slices). */
export interface AttentionDispatch {
  sliceStart: number;
  slices: number;
  rowStart: number;
  rows: number;
}

/**
 * Splits an attention call into dispatches of at most `budget` query–key pairs (a whole number of
 * workgroups of rows; at least `minWorkgroups` of them, or all the rows), no more than `maxWorkgroups`
 * workgroups per dimension, and slice ranges that every tensor can bind within `bindingLimit`.
 * Throws, naming the tensor, when one slice of a tensor cannot be bound.
 *
 * @example
 * ```ts
 * planAttentionDispatches({ bh: 2, tq: 333, tk: 333, rowsPerWorkgroup: 64, budget: 64 * 333, minWorkgroups: 1, maxWorkgroups: 65535,
 *   bindingLimit: 2 ** 27, alignment: 256, sliceBytes: { q: 333 * 64 * 4 } }).length; // 12: 6 row ranges × 2 slices
 * ```
 */
export function planAttentionDispatches(p: AttentionPlanInput): AttentionDispatch[] {
  const groups = Math.ceil(p.tq / p.rowsPerWorkgroup);
  const byBudget = Math.floor(p.budget / (p.rowsPerWorkgroup * Math.max(1, p.tk)));
  const groupsPerDispatch = Math.min(groups, p.maxWorkgroups, Math.max(1, p.minWorkgroups, byBudget));
  const rowsPerDispatch = groupsPerDispatch * p.rowsPerWorkgroup;
  // Several slices per dispatch only when one dispatch holds all rows of a slice.
  const slicesByBudget = groupsPerDispatch < groups
    ? 1
    : Math.max(1, Math.ceil(p.minWorkgroups / groups), Math.floor(p.budget / Math.max(1, p.tq * p.tk)));
  const ranges = planSliceRanges(FusedScaledDotProductAttention, p.bh, p.sliceBytes, p.bindingLimit, p.alignment, Math.min(slicesByBudget, p.maxWorkgroups));
  const plan: AttentionDispatch[] = [];
  for (const { first, count } of ranges) {
    for (let rowStart = 0; rowStart < p.tq; rowStart += rowsPerDispatch) {
      plan.push({ sliceStart: first, slices: count, rowStart, rows: Math.min(rowsPerDispatch, p.tq - rowStart) });
    }
  }
  return plan;
}

/** The flash-attention kernels `HEED_FLASH_VARIANT` chooses among. */
export type FlashAttentionVariant = 'rows' | 'rows-scalar' | 'tiled';

/**
 * tfjs flag choosing the flash-attention kernel: 'rows' (default: one query row per invocation,
 * four channels per workgroup-memory load where the head dims allow), 'rows-scalar' (one channel
 * per load) or 'tiled' ({@link FlashAttentionTiledProgram}, register tiles; dv a multiple of 16,
 * else 'rows'). Benchmarks set it to compare the kernels on one adapter.
 *
 * @example
 * ```ts
 * tf.env().set(FLASH_VARIANT_FLAG, 'tiled');
 * ```
 */
export const FLASH_VARIANT_FLAG = 'HEED_FLASH_VARIANT';
tf.env().registerFlag(FLASH_VARIANT_FLAG, () => 'rows');

/** The program factory and rows per workgroup of the variant the flag names, for these shapes. */
function chooseProgram(d: number, dv: number, limits: GPUSupportedLimits) {
  const variant = tf.env().getString(FLASH_VARIANT_FLAG) as FlashAttentionVariant;
  const tiled = variant === 'tiled' ? chooseTiledTiles(d, dv, limits) : undefined;
  if (tiled) return { rows: tiled.rows, make: (slices: number, rows: number) => new FlashAttentionTiledProgram(slices, rows, d, dv, tiled) };
  const tiles = chooseTiles(d, dv, limits);
  const width = variant === 'rows-scalar' ? 1 : 4;
  return { rows: tiles.rows, make: (slices: number, rows: number) => new FlashAttentionProgram(slices, rows, d, dv, tiles, width) };
}

const flashAttention: KernelFunc = ({ inputs, backend, attrs }) => {
  const { q, k, v, keyLengths } = inputs as FusedAttentionInputs;
  const { scale, causal } = attrs as unknown as FusedAttentionAttrs;
  const gpu = backend as WebGPUBackend;
  const [bh, tq, d] = q.shape as [number, number, number];
  const tk = k.shape[1]!;
  const dv = v.shape[2]!;
  if (bh * tq * dv === 0) return gpu.makeTensorInfo([bh, tq, dv], 'float32', new Float32Array(0));
  const limits = gpu.device.limits;
  const program = chooseProgram(d, dv, limits);
  const bindingLimit = storageBindingLimit(limits);
  const alignment = limits.minStorageBufferOffsetAlignment;
  // Planned (and so checked) before the output exists, so that a throw leaves nothing behind.
  const plan = planAttentionDispatches({
    bh, tq, tk, rowsPerWorkgroup: program.rows, budget: dispatchBudget(), minWorkgroups: minDispatchWorkgroups(), maxWorkgroups: limits.maxComputeWorkgroupsPerDimension,
    bindingLimit, alignment,
    sliceBytes: { q: tq * d * 4, k: tk * d * 4, v: tk * dv * 4, keyLengths: 4, output: tq * dv * 4 },
  });
  const out = gpu.makeTensorInfo([bh, tq, dv], 'float32');
  for (const c of plan) {
    bindSlices(gpu, [q, k, v, keyLengths, out] as TensorInfo[], c.sliceStart, c.slices, bindingLimit, alignment, (bound) => {
      const uniforms = [
        { type: 'float32', data: [scale] }, { type: 'int32', data: [causal ? 1 : 0] }, { type: 'int32', data: [c.rowStart] },
        ...bound.map((b) => ({ type: 'int32', data: [b.base] })),
      ];
      gpu.runWebGPUProgram(program.make(c.slices, c.rows), bound.slice(0, 4).map((b) => b.info), 'float32', uniforms, bound[4]!.info);
    });
  }
  return out;
};

/**
 * Fused scaled-dot-product attention for the `webgpu` backend (see {@link FlashAttentionProgram}).
 * Long calls are split into dispatches of at most {@link dispatchBudget} query–key pairs, but no
 * fewer than {@link minDispatchWorkgroups} workgroups (ranges
 * of slices and query rows, all writing one output); tensors larger than one storage binding are
 * bound a range of slices at a time ({@link bindSlices}).
 *
 * @example
 * ```ts
 * tf.registerKernel(flashAttentionConfig); // registerFusedKernels() does this
 * ```
 */
export const flashAttentionConfig: KernelConfig = {
  kernelName: FusedScaledDotProductAttention,
  backendName: 'webgpu',
  kernelFunc: flashAttention,
};
