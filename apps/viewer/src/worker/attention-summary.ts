import * as tf from '@tensorflow/tfjs-core';
import { type AttentionKind, type AttentionMap, attentionRollout, attentionStatistics, mixingMatrix } from '@heed/point-transformer';
import { nearestIndex } from '../math/nearest-index.js';
import type { LayerAttention, ModelRun } from '../protocol.js';

/** One attention layer (or one attention output of an ONNX model): a map per head, each [B, S, S]. */
export interface LayerMaps {
  name: string;
  kind: AttentionKind;
  heads: AttentionMap[];
}

/** The host-side attention of a run, and how long it took to get. */
export type AttentionSummary = Pick<ModelRun, 'layers' | 'layerXyz' | 'nearestLayerPoint' | 'rollout'> & { attentionMs: number; nearestMs: number };

/**
 * Brings every layer's attention to the host as the viewer colours with it — whoever computed the
 * maps (tfjs's PCT, onnxruntime running its export, a user's ONNX graph): each head's mixing matrix
 * and statistics for cloud 0 of the batch, the layer's points back in the input's coordinates,
 * and for every input point its nearest layer point. Layers on the same points share one index;
 * the run's `layerXyz` is the first layer's, and a layer on other points carries its own. The
 * rollout needs every layer on the same points (else it is absent). Disposes nothing it was given.
 *
 * @param transform Normalised = (input − center) / scale: how the maps' xyz relate to `positions`.
 * @example
 * ```ts
 * const summary = await summariseAttention([{ name: 'pt_last.sa1', kind: 'offset', heads: [map] }], cloud.positions, prepared.transform);
 * ```
 */
export async function summariseAttention(layers: readonly LayerMaps[], positions: Float32Array, transform: { center: ArrayLike<number>; scale: number }): Promise<AttentionSummary> {
  if (layers.length === 0) throw new Error('no attention maps to show');
  const t0 = performance.now();
  const out: LayerAttention[] = [];
  const xyzOf: Float32Array[] = [];
  for (const layer of layers) {
    const mixing: Float32Array[] = [];
    const meanDistance: number[] = [], entropy: number[] = [];
    for (const map of layer.heads) {
      const first = tf.tidy(() => tf.slice(mixingMatrix(map), [0, 0, 0], [1, -1, -1]));
      const stats = attentionStatistics(map);
      const [mix, distance, h] = await Promise.all([first.data(), stats.meanDistance.data(), stats.entropy.data()]);
      tf.dispose([first, stats.meanDistance, stats.entropy]);
      mixing.push(mix as Float32Array);
      meanDistance.push(distance[0]!);
      entropy.push(h[0]!);
    }
    out.push({ name: layer.name, kind: layer.kind, heads: layer.heads.length, mixing: concat(mixing), meanDistance, entropy });
    xyzOf.push(await firstCloudXyz(layer.heads[0]!.xyz, transform));
  }
  const shared = xyzOf.every((xyz) => sameValues(xyz, xyzOf[0]!));
  let rollout: Float32Array | undefined;
  if (shared) {
    const averaged = layers.map(headAverage);
    const r = tf.tidy(() => tf.slice(attentionRollout(averaged.map((a) => a.map)), [0, 0, 0], [1, -1, -1]));
    rollout = (await r.data()) as Float32Array;
    r.dispose();
    averaged.forEach((a) => a.dispose());
  }
  const t1 = performance.now();
  // One nearest-point index per distinct point set (a PCT's four layers share one).
  const indexed: { xyz: Float32Array; nearest: Uint32Array }[] = [];
  const pointsOf = (xyz: Float32Array) => {
    let found = indexed.find((p) => sameValues(p.xyz, xyz));
    if (!found) indexed.push((found = { xyz, nearest: nearestIndex(positions, xyz) }));
    return found;
  };
  const first = pointsOf(xyzOf[0]!);
  out.forEach((layer, i) => {
    const points = pointsOf(xyzOf[i]!);
    if (points !== first) layer.points = { xyz: points.xyz.slice(), nearest: points.nearest.slice() };
  });
  const t2 = performance.now();
  return {
    layers: out, layerXyz: first.xyz, nearestLayerPoint: first.nearest, ...(rollout ? { rollout } : {}),
    attentionMs: t1 - t0, nearestMs: t2 - t1,
  };
}

/** Cloud 0's points of a [B, M, 3] tensor, mapped back to the input's coordinates. */
async function firstCloudXyz(xyz: tf.Tensor3D, transform: { center: ArrayLike<number>; scale: number }): Promise<Float32Array> {
  const m = xyz.shape[1];
  const normalised = (await xyz.data()) as Float32Array;
  const out = new Float32Array(3 * m);
  for (let i = 0; i < 3 * m; i++) out[i] = normalised[i]! * transform.scale + transform.center[i % 3]!;
  return out;
}

/** A layer's heads as one map (mean of the heads' mixing matrices) for the rollout. */
function headAverage(layer: LayerMaps): { map: AttentionMap; dispose(): void } {
  if (layer.heads.length === 1) return { map: layer.heads[0]!, dispose: () => {} };
  // Mixing matrices average linearly; as a 'scaled-dot' map the matrix IS the mixing matrix.
  const matrix = tf.tidy(() => tf.mean(tf.stack(layer.heads.map((h) => mixingMatrix(h))), 0) as tf.Tensor3D);
  return { map: { ...layer.heads[0]!, kind: 'scaled-dot', matrix }, dispose: () => matrix.dispose() };
}

function concat(parts: Float32Array[]): Float32Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

function sameValues(a: Float32Array, b: Float32Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
