/**
 * What the SE, ECA and CBAM exporters share: one feature-map input, the block's node builder, and
 * the outputs `output`, `attention_channel` and (CBAM) `attention_spatial`, serialised to a model.
 */
import { OnnxGraph } from '../../graph/onnx-graph.js';
import { type FeatureLayout, type FeatureSizes, featureDims, positionDims } from './feature-map.js';

/** Options every block exporter takes. */
export interface BlockExportOptions extends FeatureSizes {
  /** 'image' ([B, H, W, C], the default) or 'points' ([B, N, C]). */
  layout?: FeatureLayout;
  /** The model's doc string. */
  docString?: string;
}

/** Names of a block's values in a graph: its output and its attention maps. */
export interface BlockNodes {
  /** Refined features, the input's shape. */
  output: string;
  /** Channel gate [B, C] in (0, 1). */
  channelWeights: string;
  /** Spatial gate [B, H, W] or [B, N] in (0, 1) (CBAM with a spatial gate). */
  spatialMap?: string;
}

/**
 * Name of a block model's feature input (CBAM on points also takes `neighbours`).
 *
 * @example
 * ```ts
 * await session.run({ [BLOCK_INPUT]: { data, dims: [2, 9, 9, 12] } });
 * ```
 */
export const BLOCK_INPUT = 'features';
/**
 * Output names of a block model (attention outputs start with `attention`, as sessions expect).
 *
 * @example
 * ```ts
 * const result = await session.run(feeds);
 * result[BLOCK_OUTPUTS.spatialMap]; // 'attention_spatial': [B, H, W]
 * ```
 */
export const BLOCK_OUTPUTS = { output: 'output', channelWeights: 'attention_channel', spatialMap: 'attention_spatial' } as const;

/**
 * Builds a one-block model: declares `features` (channels-last, B symbolic), lets `build` add the
 * block's nodes, and declares its outputs under {@link BLOCK_OUTPUTS}.
 *
 * @example
 * ```ts
 * const bytes = exportBlock('se', 64, { layout: 'points' }, (g, x, layout) => squeezeExcitationNodes(g, x, weights, layout));
 * ```
 */
export function exportBlock(
  block: string,
  channels: number,
  options: BlockExportOptions,
  build: (g: OnnxGraph, features: string, layout: FeatureLayout) => BlockNodes,
): Uint8Array {
  const layout = options.layout ?? 'image';
  const g = new OnnxGraph(`heed_${block}_${layout}`);
  const x = g.input(BLOCK_INPUT, 'float32', featureDims(layout, channels, options));
  const nodes = build(g, x, layout);
  g.output(nodes.output, 'float32', featureDims(layout, channels, options), BLOCK_OUTPUTS.output);
  g.output(nodes.channelWeights, 'float32', [options.batch ?? 'batch', channels], BLOCK_OUTPUTS.channelWeights);
  if (nodes.spatialMap) g.output(nodes.spatialMap, 'float32', positionDims(layout, options), BLOCK_OUTPUTS.spatialMap);
  return g.toModel({
    docString: options.docString ?? `Heed ${block} block on ${layout === 'image' ? '[B, H, W, C]' : '[B, N, C]'} features, C = ${channels}`,
    metadata: { heed_block: block, heed_layout: layout },
  });
}
