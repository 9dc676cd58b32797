/**
 * Channels-last feature maps in an ONNX graph, as @heed/channel-spatial uses them: images
 * [B, H, W, C] and points [B, N, C]. The pools and broadcasts here are the ONNX counterparts of
 * channel-spatial's `globalAvgPool`, `globalMaxPool`, `channelMax`, `channelMean`, `scaleChannels`
 * and `scalePositions`; every block exporter and the CBAM CNN build on them.
 *
 * Every node works whatever the sizes of B, H, W or N at run time: reductions name their axes,
 * broadcasts unsqueeze, nothing reshapes to a size fixed at export time.
 */
import type { Dim, OnnxGraph } from '../../graph/onnx-graph.js';

/** Which feature map: an image [B, H, W, C] or a point set [B, N, C]. */
export type FeatureLayout = 'image' | 'points';

/** Sizes of a feature-map input; a string names a size known only at run time. */
export interface FeatureSizes {
  /** Default 'batch'. */
  batch?: Dim;
  /** Images: default 'height'. */
  height?: Dim;
  /** Images: default 'width'. */
  width?: Dim;
  /** Points: default 'points'. */
  points?: Dim;
}

/**
 * The dimensions of a feature map of `layout` with `channels` channels, symbolic where not given.
 *
 * @example
 * ```ts
 * featureDims('image', 64);                  // ['batch', 'height', 'width', 64]
 * featureDims('points', 64, { points: 1024 }); // ['batch', 1024, 64]
 * ```
 */
export function featureDims(layout: FeatureLayout, channels: number, sizes: FeatureSizes = {}): Dim[] {
  const batch = sizes.batch ?? 'batch';
  return layout === 'image'
    ? [batch, sizes.height ?? 'height', sizes.width ?? 'width', channels]
    : [batch, sizes.points ?? 'points', channels];
}

/**
 * The dimensions of a per-position map of `layout` (the feature dims without the channel axis).
 *
 * @example
 * ```ts
 * positionDims('image', { height: 8, width: 8 }); // ['batch', 8, 8]
 * ```
 */
export function positionDims(layout: FeatureLayout, sizes: FeatureSizes = {}): Dim[] {
  return featureDims(layout, 0, sizes).slice(0, -1);
}

/**
 * The position axes of a layout: [1, 2] for images, [1] for points.
 *
 * @example
 * ```ts
 * positionAxes('points'); // [1]
 * ```
 */
export function positionAxes(layout: FeatureLayout): number[] {
  return layout === 'image' ? [1, 2] : [1];
}

/**
 * Mean or maximum over every position: [B, ...positions, C] → [B, C] (channel-spatial's
 * `globalAvgPool` / `globalMaxPool`).
 *
 * @example
 * ```ts
 * const avg = globalPool(g, x, 'image', 'avg'); // [B, C]
 * ```
 */
export function globalPool(g: OnnxGraph, x: string, layout: FeatureLayout, kind: 'avg' | 'max', hint = `${kind}_pool`): string {
  // opset 17: ReduceMean/ReduceMax take their axes as an attribute (an input from opset 18).
  return g.node(kind === 'avg' ? 'ReduceMean' : 'ReduceMax', [x], { axes: positionAxes(layout), keepdims: 0 }, hint);
}

/**
 * Per position, the maximum or mean over channels: [B, ...positions, C] → [B, ...positions]
 * (channel-spatial's `channelMax` / `channelMean`, CBAM's `ChannelPool`).
 *
 * @example
 * ```ts
 * const max = channelPool(g, x, 'max'); // [B, H, W]
 * ```
 */
export function channelPool(g: OnnxGraph, x: string, kind: 'max' | 'mean', hint = `channel_${kind}`): string {
  return g.node(kind === 'max' ? 'ReduceMax' : 'ReduceMean', [x], { axes: [-1], keepdims: 0 }, hint);
}

/**
 * Multiplies every position of channel c in example b by `gate[b, c]`: x [B, ...positions, C],
 * gate [B, C] (channel-spatial's `scaleChannels`).
 *
 * @example
 * ```ts
 * const refined = scaleChannels(g, x, channelGate, 'image');
 * ```
 */
export function scaleChannels(g: OnnxGraph, x: string, gate: string, layout: FeatureLayout, hint = 'channel_scaled'): string {
  const broadcast = g.node('Unsqueeze', [gate, g.int64s(positionAxes(layout))], {}, `${hint}.gate`);
  return g.node('Mul', [x, broadcast], {}, hint);
}

/**
 * Multiplies every channel at each position by `map` there: x [B, ...positions, C], map
 * [B, ...positions] (channel-spatial's `scalePositions`).
 *
 * @example
 * ```ts
 * const output = scalePositions(g, refined, spatialMap);
 * ```
 */
export function scalePositions(g: OnnxGraph, x: string, map: string, hint = 'position_scaled'): string {
  return g.node('Mul', [x, g.node('Unsqueeze', [map, g.int64s([-1])], {}, `${hint}.map`)], {}, hint);
}
