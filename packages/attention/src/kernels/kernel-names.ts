/**
 * Names of the fusable operations that a tfjs backend may accelerate. `@heed/attention` runs the
 * kernel registered under a name for the active backend when there is one (e.g. `@heed/webgpu`
 * registers WGSL kernels for `webgpu`), and otherwise composes the same math from tfjs ops.
 * These strings and the input/attribute layouts below are a contract between packages.
 */
import type { NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';

/**
 * Fused scaled-dot-product attention forward: `softmax(scale · Q Kᵀ + mask) V` without
 * materialising the [Tq, Tk] matrix.
 *
 * Inputs (see {@link FusedAttentionInputs}): `q` [BH, Tq, d], `k` [BH, Tk, d], `v` [BH, Tk, dv],
 * optional `keyLengths` int32 [BH] (keys at positions ≥ length are masked). Attributes:
 * {@link FusedAttentionAttrs}. Output: [BH, Tq, dv]. A query whose keys are all masked outputs zeros.
 */
export const FusedScaledDotProductAttention = 'HeedFusedScaledDotProductAttention';

/** Inputs of {@link FusedScaledDotProductAttention}. */
export interface FusedAttentionInputs extends NamedTensorInfoMap {
  q: TensorInfo;
  k: TensorInfo;
  v: TensorInfo;
  keyLengths: TensorInfo;
}

/** Attributes of {@link FusedScaledDotProductAttention}. */
export interface FusedAttentionAttrs extends NamedAttrMap {
  /** Multiplies Q Kᵀ before the softmax. */
  scale: number;
  /** Query i may attend to keys j ≤ i only (top-left aligned, as PyTorch's `is_causal`). */
  causal: boolean;
}
