import type { ColormapName } from '@heed/point-transformer';
import { attentionValues, extent, layerPoints } from '../color/attention-values.js';
import { type DisplayRange, colorByIndex, colorCategories } from '../color/value-colors.js';
import type { LoadedCloud, ModelRun } from '../protocol.js';
import type { ViewState } from '../state/url-state.js';

/** What a colouring shows, for the legend, the histogram and the exports. */
export type Painted =
  | { kind: 'ramp'; title: string; valueName: string; values: Float32Array; index: ArrayLike<number>; data: { min: number; max: number }; range: DisplayRange; colormap: ColormapName }
  | { kind: 'categories'; title: string; labels: string[]; present: number[]; values: Int32Array; index: ArrayLike<number> }
  | { kind: 'rgb'; title: string };

/** A colouring the current model or cloud cannot give (the app explains it and keeps the picture). */
export class NotAvailableError extends Error {
  override name = 'NotAvailableError';
}

/** The automatic log-scale range starts at this fraction of the largest value. */
const LOG_DECADES = 1e-6;

let identity = new Uint32Array(0);
function identityIndex(n: number): Uint32Array {
  if (identity.length !== n) identity = Uint32Array.from({ length: n }, (_, i) => i);
  return identity;
}

/**
 * Writes the colours of the state's mode into `out` (RGB bytes per input point) and says what they
 * mean. Attention modes take one value per layer point and give every input point its nearest
 * layer point's value; the display range is the state's, else the values' own extent.
 *
 * @example
 * ```ts
 * const painted = paint(run, cloud, { ...state, layer: 2 }, colors);
 * ```
 */
export function paint(run: ModelRun | undefined, cloud: LoadedCloud, state: ViewState, out: Uint8Array): Painted {
  const rampOf = (values: Float32Array, index: ArrayLike<number>, title: string, valueName: string): Painted => {
    const data = extent(values);
    // On a log scale the automatic range spans six decades below the largest value: weights far
    // below that are "nothing" and would squeeze the visible structure, while a peaked softmax row
    // (one point holding 90 % of the weight) still shows the order of its other points instead of
    // one flat bottom colour (the histogram's handles narrow it).
    const autoMin = state.scale === 'log' ? Math.max(data.min, data.max * LOG_DECADES) : data.min;
    const range: DisplayRange = { min: state.range?.[0] ?? autoMin, max: state.range?.[1] ?? data.max, scale: state.scale };
    colorByIndex(values, index, range, state.colormap, out);
    return { kind: 'ramp', title, valueName, values, index, data, range, colormap: state.colormap };
  };
  if (state.mode === 'source') {
    if (cloud.colors) {
      out.set(cloud.colors);
      return { kind: 'rgb', title: `${cloud.name}: its own colours` };
    }
    if (cloud.scalar) return rampOf(cloud.scalar.values, identityIndex(cloud.count), `${cloud.name}: ${cloud.scalar.name}`, cloud.scalar.name);
    throw new NotAvailableError(`${cloud.name} has no colours and no scalar field`);
  }
  if (!run) throw new NotAvailableError('no model has run on this cloud yet');
  if (state.mode === 'parts') {
    if (!run.partLabels) throw new NotAvailableError(`${run.modelId} is a classifier: it predicts no part labels (pick a part segmenter)`);
    // Colours by rank among the parts that can occur (the category's), not by global part id:
    // the few parts of one object then get the palette's first, most distinct colours.
    const present = [...new Set(run.partLabels)].sort((a, b) => a - b);
    const ranks = Int32Array.from(run.partLabels, (k) => present.indexOf(k));
    colorCategories(ranks, run.nearestLayerPoint, out);
    return {
      kind: 'categories', title: `predicted parts${run.category ? ` (${run.category.name}, ${run.category.chosen})` : ''}`,
      labels: present.map((k) => run.labels[k] ?? `part ${k}`), present: present.map((_, r) => r), values: run.partLabels, index: run.nearestLayerPoint,
    };
  }
  if (state.mode === 'rollout' && !run.rollout) throw new NotAvailableError(`${run.modelId}'s attention outputs work on different points: there is no rollout across them`);
  const values = attentionValues(run, state.mode, state);
  const layer = run.layers[state.layer - 1]!;
  // A user's ONNX model has attention outputs, named by the user, rather than numbered layers.
  const where = state.mode === 'rollout' ? 'rollout over all layers' : `${run.onnx ? layer.name : `layer ${state.layer}`}${layer.heads > 1 ? ` head ${state.head}` : ''}`;
  let what = state.mode === 'received' ? 'attention received (mean over queries)' : `attention from point ${state.query}`;
  if (state.mode === 'query' && layer.kind === 'offset') {
    // Offset-attention divides each column by (1e-9 + its sum): a point that no query attends to
    // gets a column of almost nothing, so its output barely mixes anything. Say so.
    const sum = values.reduce((s, v) => s + v, 0);
    if (sum < 0.99) what += ` (its weights sum to ${sum.toPrecision(2)}: hardly any point attends to it here)`;
  }
  const index = layerPoints(run, state.mode === 'rollout' ? undefined : state.layer).nearest;
  return rampOf(values, index, `${what}, ${where}`, state.mode === 'received' ? 'attention_received' : 'attention');
}

/**
 * Every input point's value of a painted ramp or category map (what the exports write).
 *
 * @example
 * ```ts
 * const perPoint = perPointValues(painted); // Float32Array [N]
 * ```
 */
export function perPointValues(painted: Painted): Float32Array | undefined {
  if (painted.kind === 'rgb') return undefined;
  const out = new Float32Array(painted.index.length);
  for (let i = 0; i < out.length; i++) out[i] = painted.values[painted.index[i]!]!;
  return out;
}
