import { ClassificationHead, type PCTModel, type SegmentationHead } from '@heed/point-transformer';
import { OnnxGraph } from '../../graph/onnx-graph.js';
import { attentionLayerNodes, lbrNodes, localOpNodes, pointwiseNodes } from './pct-layer-nodes.js';
import { ATTENTION_QUERIES_KEY, attentionPointsName } from '../../run/attention-outputs.js';
import { coordinatePlanes, farthestPointSampleNodes, gatherPlanes, kNearestNeighbourNodes } from './point-sampling-nodes.js';

/** Options of {@link exportPCT}. */
export interface ExportPCTOptions {
  /**
   * Add outputs `attention_1` … `attention_4` (each attention layer's [B, S, S] matrix) and
   * `xyz_1` … `xyz_4` (the [B, S, 3] points those rows and columns stand for). Default false.
   */
  attention?: boolean;
  /** A fixed number of input points (default: any N ≥ the first stage's sample count). */
  numPoints?: number;
  /** Stored in the model's metadata (`heed.model`) and doc string. */
  name?: string;
  /** More metadata_props (e.g. `heed.points`, `heed.class_names` as JSON), added to Heed's own. */
  metadata?: Record<string, string>;
}

/**
 * Exports a PCT / SPCT / NPCT (classification or part segmentation) to a self-contained ONNX graph:
 * input `points` float32 [B, N, 3] (B and N symbolic), output `logits` ([B, classes], or
 * [B, S, parts] for segmentation), FPS (a `Loop`) and kNN (`TopK` on squared distances) inside
 * the graph with the same indices as Heed's JS path, BatchNorms folded into the weights, and on
 * request `attention_1` … `attention_4` with their points `xyz_1` … `xyz_4`. Segmentation models with object categories also take
 * `categories` int64 [B]. Evaluation mode (running statistics, no dropout).
 *
 * @example
 * ```ts
 * const model = loadReferenceCheckpoint(readFileSync('pct.safetensors'));
 * writeFileSync('pct.onnx', exportPCT(model, { attention: true }));
 * // onnxruntime: run({ points: [1, 1024, 3] }) → { logits: [1, 40], attention_1: [1, 256, 256], … }
 * ```
 */
export function exportPCT(model: PCTModel, options: ExportPCTOptions = {}): Uint8Array {
  const c = model.config;
  const g = new OnnxGraph(`heed_${c.variant}_${c.task}`);
  const points = g.input('points', 'float32', ['batch', options.numPoints ?? 'points', 3]);
  const enc = model.encoder;
  let features = lbrNodes(g, lbrNodes(g, points, enc.lbr1, 'conv1'), enc.lbr2, 'conv2');
  let planes = coordinatePlanes(g, points);
  enc.neighbour?.stages.forEach((stage, i) => {
    const hint = `gather_local_${i}`;
    const centres = stage.numSamples === 'all' ? allIndices(g, planes.x, hint) : farthestPointSampleNodes(g, planes, stage.numSamples);
    const centrePlanes = stage.numSamples === 'all' ? planes : gatherPlanes(g, planes, centres, `${hint}.centres_xyz`);
    const neighbours = kNearestNeighbourNodes(g, centrePlanes, planes, stage.k);
    features = localOpNodes(g, enc.neighbour!.ops[i]!, features, centres, neighbours, hint);
    planes = centrePlanes;
  });

  const stack = enc.stack;
  let h = lbrNodes(g, lbrNodes(g, features, stack.lbr1, 'pt_last.conv1'), stack.lbr2, 'pt_last.conv2');
  const layerOutputs: string[] = [];
  const attentions: string[] = [];
  stack.layers.forEach((layer, i) => {
    const r = attentionLayerNodes(g, layer, h, `pt_last.sa${i + 1}`);
    h = r.output;
    layerOutputs.push(h);
    attentions.push(r.attention);
  });
  const concatenated = g.node('Concat', [...layerOutputs, features], { axis: 2 }, 'pt_last.concat');
  const fused = lbrNodes(g, concatenated, enc.fuse, 'conv_fuse');

  const head = model.head;
  if (head instanceof ClassificationHead) {
    g.output(classificationNodes(g, head, fused), 'float32', ['batch', c.numClasses], 'logits');
  } else {
    const categories = c.numCategories > 0 ? g.input('categories', 'int64', ['batch']) : undefined;
    g.output(segmentationNodes(g, head as SegmentationHead, fused, categories), 'float32', ['batch', 'centres', c.numClasses], 'logits');
  }
  if (options.attention) {
    attentions.forEach((a, i) => g.output(a, 'float32', ['batch', 'centres', 'centres'], `attention_${i + 1}`));
    // Every layer attends over the same points; each map still gets its own `xyz_*` (output() adds an Identity).
    const xyz = g.node('Concat', [planes.x, planes.y, planes.z].map((p) => g.node('Unsqueeze', [p, g.int64s([2])])), { axis: 2 }, 'attention_points');
    attentions.forEach((_, i) => g.output(xyz, 'float32', ['batch', 'centres', 3], attentionPointsName(`attention_${i + 1}`)));
  }
  const name = options.name ?? `${c.variant} ${c.task}`;
  return g.toModel({
    docString: `Heed ${name}: points [B, N, 3] → logits${options.attention ? ', attention_1…4 (offset-attention: columns l1-normalised) and their points xyz_1…4' : ''}`,
    metadata: {
      'heed.model': name, 'heed.variant': c.variant, 'heed.task': c.task, 'heed.classes': String(c.numClasses),
      [ATTENTION_QUERIES_KEY]: c.attention === 'offset' ? 'columns' : 'rows',
      ...options.metadata,
    },
  });
}

/** int64 [B, N]: 0 … N − 1 for every cloud (a stage that keeps every point, in order). */
function allIndices(g: OnnxGraph, plane: string, hint: string): string {
  const n = g.node('Squeeze', [g.node('Slice', [g.node('Shape', [plane]), g.int64s([1]), g.int64s([2])])], {}, `${hint}.n`);
  const range = g.node('Range', [g.constant(new BigInt64Array([0n]), [], 'zero64'), n, g.constant(new BigInt64Array([1n]), [], 'one64')], {}, `${hint}.range`);
  const row = g.node('Unsqueeze', [range, g.int64s([0])]);
  return g.node('Expand', [row, g.node('Shape', [plane])], {}, `${hint}.all`);
}

/** Max pool over points, linear1/bn6/LeakyReLU, linear2/bn7/LeakyReLU, linear3. */
function classificationNodes(g: OnnxGraph, head: ClassificationHead, features: string): string {
  const pooled = g.node('ReduceMax', [features], { axes: [1], keepdims: 0 }, 'global_max');
  const h = lbrNodes(g, lbrNodes(g, pooled, head.lbr6, 'linear1'), head.lbr7, 'linear2');
  return pointwiseNodes(g, h, head.out, 'linear3');
}

/** Per point: [features, max, mean (, category embedding)] → convs1/bns1, convs2/bns2, convs3. */
function segmentationNodes(g: OnnxGraph, head: SegmentationHead, features: string, categories: string | undefined): string {
  const global = [
    g.node('ReduceMax', [features], { axes: [1], keepdims: 0 }, 'global_max'),
    g.node('ReduceMean', [features], { axes: [1], keepdims: 0 }, 'global_mean'),
  ];
  if (head.label && categories) {
    const oneHot = g.node('OneHot', [categories, g.constant(new BigInt64Array([BigInt(head.numCategories)]), [], 'num_categories'), g.constant(new Float32Array([0, 1]), [2], 'off_on')], { axis: -1 }, 'category_one_hot');
    global.push(lbrNodes(g, oneHot, head.label, 'label_conv'));
  }
  const perCloud = g.node('Unsqueeze', [g.node('Concat', global, { axis: 1 }, 'global'), g.int64s([1])]); // [B, 1, G]
  const batchAndPoints = g.node('Slice', [g.node('Shape', [features]), g.int64s([0]), g.int64s([2])]);
  const target = g.node('Concat', [batchAndPoints, g.node('Slice', [g.node('Shape', [perCloud]), g.int64s([2]), g.int64s([3])])], { axis: 0 });
  const x = g.node('Concat', [features, g.node('Expand', [perCloud, target], {}, 'global_per_point')], { axis: 2 });
  const h = lbrNodes(g, lbrNodes(g, x, head.mlp1, 'convs1'), head.mlp2, 'convs2');
  return pointwiseNodes(g, h, head.out, 'convs3');
}
