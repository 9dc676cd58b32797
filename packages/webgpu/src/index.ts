export * from './init-webgpu.js';
export * from './register-fused-kernels.js';
export { FlashAttentionProgram, FlashAttentionProgramBase, chooseTiles, type FlashAttentionTiles } from './kernels/flash-attention-program.js';
export { FarthestPointSampleProgram, FpsCentresProgram } from './kernels/farthest-point-sample-program.js';
export { KNearestNeighboursProgram, KNN_ROWS, KNN_TILE } from './kernels/k-nearest-neighbours-program.js';
export {
  OffsetAttentionRowStatsProgram, OffsetAttentionColumnsProgram, chooseOffsetAttentionTiles,
  type OffsetAttentionTiles, type OffsetAttentionLimits,
} from './kernels/offset-attention-program.js';
export { fpsThreads } from './kernels/farthest-point-sample.js';
export {
  pointKernelDispatchBudget, setPointKernelDispatchBudget, DEFAULT_PAIRS_PER_DISPATCH, SQUARED_DISTANCE_WGSL,
} from './kernels/point-kernel-common.js';
export {
  DeviceLostError, onDeviceLost, deviceRecovery, preserveAcrossDeviceLoss, refreshPreserved, releasePreserved, simulateDeviceLoss,
  type DeviceLossEvent,
} from './device-loss.js';
export {
  dispatchBudget, setDispatchBudget, minDispatchWorkgroups, DEFAULT_DISPATCH_BUDGET, DEFAULT_MIN_DISPATCH_WORKGROUPS,
} from './kernels/dispatch-budget.js';
export {
  setStorageBindingLimit, storageBindingLimit, bindSlices, planSliceRanges, type SliceBinding, type SliceSpan,
} from './kernels/binding-view.js';
export {
  planAttentionDispatches, FLASH_VARIANT_FLAG, type FlashAttentionVariant, type AttentionPlanInput, type AttentionDispatch,
} from './kernels/flash-attention.js';
export { FlashAttentionTiledProgram, chooseTiledTiles } from './kernels/flash-attention-tiled-program.js';
export { SUBGROUPS_FLAG, hoistDirectives, useSubgroups } from './kernels/subgroups.js';
export { checkFusedKernels, type KernelCheck } from './kernel-check.js';
