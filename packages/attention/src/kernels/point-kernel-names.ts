/**
 * Names of the point-cloud operations that a tfjs backend may accelerate (e.g. `@heed/webgpu`
 * registers WGSL kernels under them). They live here, beside the attention kernel names, so that a
 * backend package depends on `@heed/attention` alone. `@heed/point-transformer` runs the kernel
 * registered under a name for the active backend when there is one, and otherwise its own path:
 * plain JS over the coordinates for sampling and neighbour search, composed tfjs ops for
 * offset-attention.
 * These strings and the input/attribute layouts below are a contract between packages.
 *
 * Layouts are channels-last throughout: points are [B, N, 3], features [B, N, C].
 */
import type { NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';

/**
 * Farthest point sampling, as pointnet2_ops does it: the first centre is point 0; each next
 * centre is the point whose smallest squared distance to the centres chosen so far is largest
 * (ties → the lowest index). Squared distances are `dx·dx + dy·dy + dz·dz` in float32, in that
 * order.
 *
 * Inputs ({@link FarthestPointSampleInputs}): `xyz` float32 [B, N, 3].
 * Attributes ({@link FarthestPointSampleAttrs}): `numSamples` (≤ N).
 * Output: int32 [B, numSamples], indices into N, the first column all zeros.
 *
 * @example
 * ```ts
 * tf.registerKernel({ kernelName: FarthestPointSample, backendName: 'webgpu', kernelFunc: myFps });
 * ```
 */
export const FarthestPointSample = 'HeedFarthestPointSample';

/** Inputs of {@link FarthestPointSample}. */
export interface FarthestPointSampleInputs extends NamedTensorInfoMap {
  xyz: TensorInfo;
}

/** Attributes of {@link FarthestPointSample}. */
export interface FarthestPointSampleAttrs extends NamedAttrMap {
  /** How many centres to pick, 1 ≤ numSamples ≤ N. */
  numSamples: number;
}

/**
 * k nearest neighbours by squared Euclidean distance (`dx·dx + dy·dy + dz·dz` in float32), a
 * query point included when it belongs to the point set (distance 0). Each row lists neighbours
 * by ascending distance; equal distances → the lower index first.
 *
 * Inputs ({@link KNearestNeighboursInputs}): `query` float32 [B, S, 3], `points` float32 [B, N, 3].
 * Attributes ({@link KNearestNeighboursAttrs}): `k` (≤ N).
 * Output: int32 [B, S, k], indices into N.
 *
 * @example
 * ```ts
 * tf.registerKernel({ kernelName: KNearestNeighbours, backendName: 'webgpu', kernelFunc: myKnn });
 * ```
 */
export const KNearestNeighbours = 'HeedKNearestNeighbours';

/** Inputs of {@link KNearestNeighbours}. */
export interface KNearestNeighboursInputs extends NamedTensorInfoMap {
  query: TensorInfo;
  points: TensorInfo;
}

/** Attributes of {@link KNearestNeighbours}. */
export interface KNearestNeighboursAttrs extends NamedAttrMap {
  /** Neighbours per query, 1 ≤ k ≤ N. */
  k: number;
}

/**
 * PCT's offset-attention mixing (`SA_Layer` of the reference port) without materialising the
 * [N, N] matrix where the kernel can avoid it:
 *
 * ```
 * A      = softmax_j(q_i · k_j)                    row-wise softmax, no scaling, [N, N]
 * Â[i,j] = A[i,j] / (epsilon + Σ_i' A[i',j])       l1-normalised over the query axis (columns)
 * out[j] = Σ_i Â[i,j] · v[i]                       (x_r of the reference, channels-last)
 * ```
 *
 * Inputs ({@link OffsetAttentionInputs}): `query` [B, N, dq], `key` [B, N, dq], `value` [B, N, C]
 * (float32; PCT ties the query and key projections, so `query` and `key` are usually the same
 * tensor). Attributes ({@link OffsetAttentionAttrs}): `epsilon` (1e-9 in PCT).
 * Output: float32 [B, N, C]. The gradient is registered by name (composed ops), so a forward-only
 * kernel trains.
 *
 * @example
 * ```ts
 * tf.registerKernel({ kernelName: OffsetAttention, backendName: 'webgpu', kernelFunc: myOffsetAttention });
 * ```
 */
export const OffsetAttention = 'HeedOffsetAttention';

/** Inputs of {@link OffsetAttention}. */
export interface OffsetAttentionInputs extends NamedTensorInfoMap {
  query: TensorInfo;
  key: TensorInfo;
  value: TensorInfo;
}

/** Attributes of {@link OffsetAttention}. */
export interface OffsetAttentionAttrs extends NamedAttrMap {
  /** Added to each column sum before dividing by it (1e-9 in PCT). */
  epsilon: number;
}
