/**
 * CBAM (Woo et al., 2018) as ONNX: channel gate, then spatial gate, each rescaling the features —
 * channel-spatial's `cbam`. Images [B, H, W, C] use the k×k-conv spatial gate; points [B, N, C]
 * the k-nearest-neighbour one, with the neighbour indices as a second graph input.
 */
import { CBAM, type CbamWeights } from '@heed/channel-spatial';
import type { OnnxGraph } from '../../graph/onnx-graph.js';
import { type BlockExportOptions, type BlockNodes, exportBlock } from './block-export.js';
import { cbamChannelGateNodes } from './cbam-channel-gate.js';
import { cbamSpatialGateNodes, pointSpatialGateNodes } from './cbam-spatial-gate.js';
import { type FeatureLayout, scaleChannels, scalePositions } from './feature-map.js';
import { cbamWeightsOf } from './from-layers.js';
import { mlpWidths } from './mlp.js';

/** Options of {@link cbamNodes}. */
export interface CbamNodeOptions {
  layout: FeatureLayout;
  /** Channel gate only. Default false. */
  noSpatial?: boolean;
  /** Points: the graph value holding the neighbour indices [B, N, k] (int32 or int64). */
  neighbours?: string;
  /** BN ε of the spatial gate. Default 1e-5. */
  epsilon?: number;
  hint?: string;
}

/**
 * Adds a CBAM block's nodes: `x₁ = x · channelGate(x)`, `output = x₁ · spatialGate(x₁)`. Returns
 * the output, the channel gate [B, C] and the spatial map ([B, H, W] or [B, N]; absent with
 * `noSpatial`). The CBAM CNN exporter builds its blocks with this.
 *
 * @example
 * ```ts
 * const { output, channelWeights, spatialMap } = cbamNodes(g, x, weights, { layout: 'image' });
 * ```
 */
export function cbamNodes(g: OnnxGraph, x: string, weights: CbamWeights, options: CbamNodeOptions): BlockNodes {
  const hint = options.hint ?? 'cbam';
  const channelWeights = cbamChannelGateNodes(g, x, weights.channel, options.layout, `${hint}.channel`);
  const refined = scaleChannels(g, x, channelWeights, options.layout, `${hint}.channel_refined`);
  if (options.noSpatial) return { output: refined, channelWeights };
  if (!weights.spatial) throw new Error(`${hint}: weights.spatial is required unless noSpatial`);
  const gateOptions = { hint: `${hint}.spatial`, ...(options.epsilon !== undefined ? { epsilon: options.epsilon } : {}) };
  let spatialMap: string;
  if (options.layout === 'image') {
    spatialMap = cbamSpatialGateNodes(g, refined, weights.spatial, gateOptions);
  } else {
    if (!options.neighbours) throw new Error(`${hint}: points need options.neighbours [B, N, k] (or noSpatial)`);
    spatialMap = pointSpatialGateNodes(g, refined, options.neighbours, weights.spatial, gateOptions);
  }
  return { output: scalePositions(g, refined, spatialMap, `${hint}.output`), channelWeights, spatialMap };
}

/** Options of {@link exportCbam}. */
export interface CbamExportOptions extends BlockExportOptions {
  /** Channel gate only (no `attention_spatial`). Default false, or the layer's. */
  noSpatial?: boolean;
  /** BN ε of the spatial gate. Default 1e-5, or the layer's. */
  epsilon?: number;
}

/**
 * A CBAM block as an ONNX model. Inputs: `features` [B, H, W, C] (or [B, N, C] with
 * `layout: 'points'`) and, for points with a spatial gate, `neighbours` [B, N, k] int32 (each
 * point's k nearest neighbours, as channel-spatial's `cbam` takes them). Outputs: `output`,
 * `attention_channel` [B, C], `attention_spatial` [B, H, W] / [B, N]. Takes explicit weights or
 * a built `CBAM` layer (whose `noSpatial` and BN ε apply unless the options say otherwise).
 *
 * @example
 * ```ts
 * const bytes = exportCbam(cbamLayer);                                       // images
 * const points = exportCbam({ channel, spatial: { kernel } }, { layout: 'points', points: 1024 });
 * const r = await (await createOnnxSession(points)).run({
 *   features: { data: x, dims: [1, 1024, 64] }, neighbours: { data: knn, dims: [1, 1024, 16] },
 * });
 * r.attention_spatial.dims; // [1, 1024]
 * ```
 */
export function exportCbam(block: CbamWeights | CBAM, options: CbamExportOptions = {}): Uint8Array {
  const fromLayer = block instanceof CBAM ? cbamWeightsOf(block) : undefined;
  const weights = fromLayer?.weights ?? (block as CbamWeights);
  const noSpatial = options.noSpatial ?? fromLayer?.noSpatial ?? false;
  const epsilon = options.epsilon ?? fromLayer?.epsilon;
  const { channels } = mlpWidths(weights.channel, 'exportCbam');
  return exportBlock('cbam', channels, options, (g, x, layout) => {
    let neighbours: string | undefined;
    if (layout === 'points' && !noSpatial) {
      const kernel = weights.spatial?.kernel;
      if (!kernel || kernel.rank !== 2) throw new Error(`exportCbam: points need a spatial kernel [2k, 1], got ${kernel ? `[${kernel.shape}]` : 'none'}`);
      neighbours = g.input('neighbours', 'int32', [options.batch ?? 'batch', options.points ?? 'points', kernel.shape[0]! / 2]);
    }
    return cbamNodes(g, x, weights, {
      layout, noSpatial, ...(neighbours ? { neighbours } : {}), ...(epsilon !== undefined ? { epsilon } : {}),
    });
  });
}
