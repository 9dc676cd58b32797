/**
 * One training step against PyTorch (tools/fixtures/pct_training_step.py, float64): the loss,
 * every weight's gradient and every BatchNorm's running statistics after a train-mode forward and
 * backward of PCT classification (FPS stages) and part segmentation ('all' stages, categories) —
 * what the hand-written gradients (trainingBatchNorm, maxOver, applyConcat, applyIndexed, the
 * BatchMatMul and offset-attention gradients) must reproduce. The step is trainer.ts' trainStep.
 *
 * Tolerance, per tensor: max |Δ| ≤ 2e-4·max|expected| + 1e-6. float32 alone uses a good part of
 * 1e-4 here: PyTorch's own float32 step is 4.2e-5 (relative to max|g|) off its float64 one on
 * classification, whose head normalises over 4 rows; Heed's worst is 6e-5 (wasm, printed). A
 * wrong term in a gradient formula, or a flipped ReLU/argmax, moves rows by ≥ 1e-2 — the fixture
 * keeps every such decision ≥ 10× float32 noise from its threshold (the script's harden()). The
 * 1e-6 covers biases feeding a training-mode BatchNorm: their true gradient is 0, float32 ~1e-8.
 * Gradients over 16384 elements are compared through the fixture's sketches (see the script).
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { seededRandom } from '@heed/testing';
import type { PCTOptions } from '../../model/pct-config.js';
import { createPCT, type PCTModel } from '../../model/pct-model.js';
import type { StateDict } from '../../nn/host-tensor.js';
import type { Param } from '../../nn/module.js';
import { readSafetensors } from '../../weights/safetensors.js';
import { labelSmoothingCrossEntropy } from '../loss.js';
import { registerTransposeFreeMatMulGradient } from '../matmul-gradient.js';

interface StepFixture {
  config: PCTOptions;
  epsilon: number;
  loss: number;
  probes: number;
  /** name → [seed, lo, hi]: the weight is float32(lo + (hi − lo)·u), u from seededRandom(seed). */
  weights: Record<string, [number, number, number]>;
  /** [name, flat index, float32 value] applied in order after generation (see the script's harden). */
  patches: [string, number, number][];
  /** name → seed of the ±1 probes of a sketched gradient. */
  probeSeeds: Record<string, number>;
}

const REL = 2e-4, ABS = 1e-6;
const dir = new URL('../../../test-data/training-step/', import.meta.url);

function loadCase(name: string): { spec: StepFixture; data: StateDict } {
  const spec = JSON.parse(readFileSync(new URL(`${name}.json`, dir), 'utf8')) as StepFixture;
  const data = readSafetensors(readFileSync(new URL(`${name}.safetensors`, dir)), { fileName: `${name}.safetensors` });
  return { spec, data };
}

/**
 * The fixture's weights, generated as the script does (too many to commit), in a state dict
 * built from the entries: `stateDict()` would leak a tensor per transposed weight (Param.toTorch
 * never disposes its transpose), which the tensor count at the end would catch.
 */
function generatedWeights(model: PCTModel, spec: StepFixture): StateDict {
  const sd: StateDict = new Map();
  for (const e of model.stateEntries()) {
    if (e.kind === 'counter') {
      sd.set(e.name, { dtype: 'int64', shape: [], data: BigInt64Array.of(0n) });
      continue;
    }
    const [seed, lo, hi] = spec.weights[e.name]!;
    const rand = seededRandom(seed);
    const length = e.param.torchShape.reduce((a, b) => a * b, 1);
    sd.set(e.name, { dtype: 'float32', shape: e.param.torchShape, data: Float32Array.from({ length }, () => lo + (hi - lo) * rand()) });
  }
  for (const [name, index, value] of spec.patches) sd.get(name)!.data[index] = value;
  return sd;
}

/** A gradient of a variable ([in, out] for conv/linear) in PyTorch layout, as [rows, cols]. */
function torchLayout(g: Float32Array, param: Param): { values: Float64Array; rows: number; cols: number } {
  const rows = param.torchShape[0]!, cols = g.length / rows;
  if (param.layout === 'as-is') return { values: Float64Array.from(g), rows, cols };
  const values = new Float64Array(g.length); // variable [in = cols, out = rows]
  for (let i = 0; i < cols; i++) for (let o = 0; o < rows; o++) values[o * cols + i] = g[i * rows + o]!;
  return { values, rows, cols };
}

/** [count, n] of ±1 from seededRandom(seed), row-major (u < 0.5 → −1), as the script's signs(). */
function signs(seed: number, count: number, n: number): Float64Array {
  const rand = seededRandom(seed);
  return Float64Array.from({ length: count * n }, () => (rand() < 0.5 ? -1 : 1));
}

/** The script's sketches of G [rows, cols]: G·Pᵀ [rows, m], Q·G [m, cols] and ‖G‖. */
function sketch(g: { values: Float64Array; rows: number; cols: number }, seed: number, m: number) {
  const { values, rows: r, cols: c } = g;
  const p = signs(seed, m, c), q = signs(seed + 1, m, r);
  const rowSketch = new Float64Array(r * m), colSketch = new Float64Array(m * c);
  let norm = 0;
  for (let o = 0; o < r; o++) {
    for (let i = 0; i < c; i++) {
      const v = values[o * c + i]!;
      norm += v * v;
      for (let k = 0; k < m; k++) {
        rowSketch[o * m + k]! += v * p[k * c + i]!;
        colSketch[k * c + i]! += q[k * r + o]! * v;
      }
    }
  }
  return { rowSketch, colSketch, norm: Math.sqrt(norm) };
}

/** max |Δ|, max|expected| and how much of the tolerance max |Δ| uses (> 1 fails). */
function compare(got: ArrayLike<number>, want: ArrayLike<number>): { diff: number; scale: number; used: number } {
  if (got.length !== want.length) return { diff: Infinity, scale: 0, used: Infinity };
  let diff = 0, scale = 0;
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i]! - want[i]!);
    diff = Number.isNaN(d) ? Infinity : Math.max(diff, d);
    scale = Math.max(scale, Math.abs(want[i]!));
  }
  return { diff, scale, used: diff / (REL * scale + ABS) };
}

const expected = (data: StateDict, key: string) => {
  const t = data.get(key);
  if (!t) throw new Error(`fixture has no ${key}`);
  return t.data as Float32Array | Float64Array;
};

/** What {@link trainingStepVersusPyTorch} found: empty `failures` means the step equals PyTorch's. */
export interface TrainingStepReport {
  /** One line: time, |Δloss| and the three comparisons closest to the tolerance. */
  summary: string;
  /** Each comparison over the tolerance, each structural mismatch, tensors left behind. */
  failures: string[];
}

/**
 * Runs the fixture's training step (`classification` or `segmentation`) on the active tfjs
 * backend and compares the loss, every gradient and every BatchNorm's running statistics with
 * PyTorch's (see the file comment). Backend packages (`@heed/webgpu`) run it on theirs.
 *
 * @example
 * ```ts
 * const { summary, failures } = await trainingStepVersusPyTorch('classification');
 * expect(failures).toEqual([]);
 * ```
 */
export async function trainingStepVersusPyTorch(name: 'classification' | 'segmentation'): Promise<TrainingStepReport> {
  const failures: string[] = [];
  registerTransposeFreeMatMulGradient(); // as trainPCT does
  const { spec, data } = loadCase(name);
  const started = performance.now();
  const tensorsBefore = tf.memory().numTensors;

  const model = createPCT({ ...spec.config, dropout: 0 });
  model.loadStateDict(generatedWeights(model, spec), { source: name });
  const pointsHost = data.get('points')!;
  const points = tf.tensor3d(pointsHost.data as Float32Array, pointsHost.shape as [number, number, number]);
  const labelsHost = data.get('labels')!;
  const labels = tf.tensor(Int32Array.from(labelsHost.data as BigInt64Array, Number), labelsHost.shape, 'int32');
  const cats = data.get('categories');
  const categories = cats ? tf.tensor1d(Int32Array.from(cats.data as BigInt64Array, Number), 'int32') : undefined;
  const variables = model.trainableVariables();
  const { value, grads } = tf.variableGrads(() => labelSmoothingCrossEntropy(
    model.apply(points, { training: true, seed: 1, ...(categories ? { categories } : {}) }), labels, spec.epsilon), variables);

  const loss = (await value.data())[0]!;
  const results: ({ name: string } & ReturnType<typeof compare>)[] = [{ name: 'loss', ...compare([loss], [spec.loss]) }];
  // Each variable under the state-dict name the fixture keeps (a tied q/k weight: q_conv).
  const entries = new Map<string, { name: string; param: Param }[]>();
  for (const e of model.stateEntries()) {
    if (e.kind === 'param') entries.set(e.param.variable.name, [...(entries.get(e.param.variable.name) ?? []), e]);
  }
  for (const v of variables) {
    const e = entries.get(v.name)!.find((c) => data.has(`grad.${c.name}`) || data.has(`rows.${c.name}`));
    if (!e) {
      failures.push(`no fixture gradient for ${entries.get(v.name)!.map((c) => c.name).join(' / ')}`);
      continue;
    }
    const g = torchLayout(Float32Array.from(await grads[v.name]!.data()), e!.param);
    if (data.has(`grad.${e!.name}`)) {
      results.push({ name: e!.name, ...compare(g.values, expected(data, `grad.${e!.name}`)) });
      continue;
    }
    const s = sketch(g, spec.probeSeeds[e!.name]!, spec.probes);
    results.push({ name: `${e!.name} (G·Pᵀ)`, ...compare(s.rowSketch, expected(data, `rows.${e!.name}`)) });
    results.push({ name: `${e!.name} (Q·G)`, ...compare(s.colSketch, expected(data, `cols.${e!.name}`)) });
    results.push({ name: `${e!.name} (‖G‖)`, ...compare([s.norm], expected(data, `norm.${e!.name}`)) });
  }
  const fixtureGrads = [...data.keys()].filter((k) => k.startsWith('grad.') || k.startsWith('rows.')).length;
  if (variables.length !== fixtureGrads) failures.push(`${variables.length} trainable variables, ${fixtureGrads} PyTorch gradients`);

  const statistics = model.stateEntries().filter((e) => /running_(mean|var)$/.test(e.name));
  for (const e of statistics) {
    if (e.kind === 'counter') continue;
    results.push({ name: e.name, ...compare(await e.param.variable.data(), expected(data, `stat.${e.name}`)) });
  }
  const fixtureStats = [...data.keys()].filter((k) => k.startsWith('stat.')).length;
  if (statistics.length !== fixtureStats) failures.push(`${statistics.length} BatchNorm statistics, ${fixtureStats} in the fixture`);

  const worst = [...results].sort((a, b) => b.used - a.used);
  const show = (r: (typeof results)[number]) => `${r.name}: max|Δ| ${r.diff.toExponential(2)}, max|ref| ${r.scale.toExponential(2)}`;
  const summary = `${name} on ${tf.getBackend()}: ${((performance.now() - started) / 1000).toFixed(1)} s, |Δloss| ${Math.abs(loss - spec.loss).toExponential(1)}, `
    + `worst of ${results.length} (share of tolerance) ${worst.slice(0, 3).map((r) => `${r.name} ${r.used.toFixed(3)}`).join(', ')}`;
  failures.push(...worst.filter((r) => !(r.used <= 1)).map((r) => `${show(r)} — over the tolerance max|Δ| ≤ ${REL}·max|ref| + ${ABS}`));

  tf.dispose([value, points, labels, ...Object.values(grads), ...(categories ? [categories] : [])]);
  model.dispose();
  const left = tf.memory().numTensors - tensorsBefore;
  if (left !== 0) failures.push(`${left} tensors left behind`);
  return { summary, failures };
}
