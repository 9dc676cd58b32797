import * as tf from '@tensorflow/tfjs-core';
import onnxProto from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { layerNorm, transformerEncoderBlock } from '@heed/attention';
import { tensorsLeakedBy } from '@heed/testing';
import {
  type TinyVitConfig, type VisionModel, attentionRollout, classTokenMap, createCbamCnn, createTinyVit, dense, generateShapeBatch,
  param, patchify, shippedVisionWeights, standardizeImages, tinyVitBlockWeights, visionModelFromWeights,
} from '@heed/vision';
import { createOnnxSession } from '../../run/onnx-session.js';
import { ENGINES, TOLERANCE, feed, maxAbsDiff, tensorSource, useCpu } from '../channel-spatial/test/compare.js';
import { exportTinyVit } from './tiny-vit-export.js';

type Vit = VisionModel<TinyVitConfig>;

/**
 * The ViT's forward pass replayed step by step with `returnWeights` on every block: the model
 * returns only maps derived from the per-block weights, the export outputs the weights themselves.
 * Tests check this replay against `model.forward` (logits and both maps) before trusting it.
 */
function replayForward(model: Vit, images: tf.Tensor4D): { logits: tf.Tensor; weights: tf.Tensor[] } {
  const { config: c, parameters: w } = model;
  return tf.tidy(() => {
    const b = images.shape[0];
    let pixels = standardizeImages(images);
    if (c.stemChannels > 0) pixels = tf.relu(tf.add(tf.conv2d(pixels, param(w, 'stem/kernel') as tf.Tensor4D, 1, 'same'), param(w, 'stem/bias'))) as tf.Tensor4D;
    const patches = dense(patchify(pixels, c.patchSize), param(w, 'patch/kernel'), param(w, 'patch/bias'));
    let x = tf.add(tf.concat([tf.tile(param(w, 'classToken'), [b, 1, 1]), patches], 1), param(w, 'positions'));
    const weights: tf.Tensor[] = [];
    for (let l = 1; l <= c.depth; l++) {
      const block = tinyVitBlockWeights(w, l);
      const r = transformerEncoderBlock(x, block, { numHeads: c.numHeads, normFirst: true, activation: 'gelu', returnWeights: true });
      x = r.output;
      weights.push(r.weights!);
    }
    const normed = layerNorm(x, { gamma: param(w, 'norm/gamma'), beta: param(w, 'norm/beta') });
    const cls = tf.reshape(tf.slice(normed, [0, 0, 0], [b, 1, c.dim]), [b, c.dim]);
    return { logits: dense(cls, param(w, 'head/kernel'), param(w, 'head/bias')), weights };
  });
}

/** What one batch should give: the model's logits and maps, the replay's per-block weights. */
interface Expected {
  label: string;
  images: tf.Tensor4D;
  logits: tf.Tensor;
  maps: Record<string, tf.Tensor>;
  weights: tf.Tensor[];
  classes: number[];
}

function expectedFor(model: Vit, label: string, images: tf.Tensor4D): Expected {
  const { logits, maps } = model.forward(images);
  const replay = replayForward(model, images);
  // The replay is the model's own computation: same logits, and its weights give the same maps.
  expect(maxAbsDiff(replay.logits.dataSync(), logits.dataSync()), `${label}: replayed logits`).toBeLessThanOrEqual(1e-6);
  const grid = model.config.imageSize / model.config.patchSize;
  tf.tidy(() => {
    const last = classTokenMap(tf.mean(replay.weights.at(-1)!, 1) as tf.Tensor3D, grid);
    expect(maxAbsDiff(last.dataSync(), maps['classToken']!.dataSync()), `${label}: replayed classToken map`).toBeLessThanOrEqual(1e-6);
    const rollout = classTokenMap(attentionRollout(replay.weights), grid);
    expect(maxAbsDiff(rollout.dataSync(), maps['rollout']!.dataSync()), `${label}: replayed rollout`).toBeLessThanOrEqual(1e-6);
  });
  replay.logits.dispose();
  return { label, images, logits, maps, weights: replay.weights, classes: argmax(logits) };
}

function argmax(logits: tf.Tensor): number[] {
  const classes = tf.argMax(logits, 1);
  const values = Array.from(classes.dataSync());
  classes.dispose();
  return values;
}
const disposeExpected = (cases: Expected[]) => tf.dispose(cases.flatMap((c) => [c.images, c.logits, ...Object.values(c.maps), ...c.weights]));
const asTensor = (t: { data: unknown; dims: number[] }) => tf.tensor(t.data as Float32Array, t.dims, 'float32');

/** Largest |ONNX − tfjs| by engine and output kind. */
type Worst = Record<string, Record<string, number>>;
/** Over every test (printed at the end). */
const worst: Worst = {};

function record(seen: Worst, engine: string, kind: string, where: string, diff: number): void {
  expect(diff, `${engine}, ${where}, ${kind}`).toBeLessThanOrEqual(TOLERANCE);
  for (const w of [seen, worst]) {
    const e = (w[engine] ??= {});
    e[kind] = Math.max(e[kind] ?? 0, diff);
  }
}

/**
 * Runs the export on every engine and batch: logits, every attention_l (shape and values), the
 * model's two maps recomputed from the ONNX attention, and the predicted classes.
 */
async function expectMatchesModel(bytes: Uint8Array, model: Vit, cases: Expected[], label: string): Promise<Worst> {
  const seen: Worst = {};
  const { depth, numHeads, imageSize, patchSize, numClasses } = model.config;
  const grid = imageSize / patchSize, tokens = 1 + grid * grid;
  for (const engine of ENGINES) {
    const session = await createOnnxSession(bytes, { engine });
    try {
      expect(session.inputNames).toEqual(['image']);
      expect(session.outputNames).toEqual(['logits', ...Array.from({ length: depth }, (_, i) => `attention_${i + 1}`)]);
      for (const c of cases) {
        const where = `${label} ${c.label}`;
        const b = c.images.shape[0];
        const out = await session.run({ image: feed(c.images) });
        expect(out['logits']!.dims).toEqual([b, numClasses]);
        record(seen, engine, 'logits', where, maxAbsDiff(out['logits']!.data as Float32Array, c.logits.dataSync()));
        const attention = c.weights.map((w, i) => {
          const got = out[`attention_${i + 1}`]!;
          expect(got.dims, `${engine}, ${where}, attention_${i + 1}`).toEqual([b, numHeads, tokens, tokens]);
          record(seen, engine, 'attention', where, maxAbsDiff(got.data as Float32Array, w.dataSync()));
          return got;
        });
        tf.tidy(() => {
          const ws = attention.map(asTensor);
          record(seen, engine, 'classToken map', where, maxAbsDiff(classTokenMap(tf.mean(ws.at(-1)!, 1) as tf.Tensor3D, grid).dataSync(), c.maps['classToken']!.dataSync()));
          record(seen, engine, 'rollout map', where, maxAbsDiff(classTokenMap(attentionRollout(ws), grid).dataSync(), c.maps['rollout']!.dataSync()));
          expect(argmax(asTensor(out['logits']!)), `${engine}, ${where}: predicted classes`).toEqual(c.classes);
        });
      }
    } finally {
      await session.release();
    }
  }
  console.log(`${label}: max |ONNX − tfjs|`, JSON.stringify(seen));
  return seen;
}

/** Batches B = 1 and B = 3 (dynamic batch), plus all `count` images at once. */
function batchesOf(model: Vit, images: tf.Tensor4D): Expected[] {
  const n = images.shape[0];
  return [
    expectedFor(model, 'B=1', tf.slice(images, [0], [1])),
    expectedFor(model, 'B=3', tf.slice(images, [1], [3])),
    expectedFor(model, `B=${n}`, images),
  ];
}

function shapeImages(seed: number, count: number, size: number): { images: tf.Tensor4D; labels: number[] } {
  const batch = generateShapeBatch({ seed, count, size });
  return { images: tf.tensor4d(batch.images, [count, size, size, 3]), labels: Array.from(batch.labels) };
}

describe('exportTinyVit', () => {
  beforeAll(useCpu);
  afterAll(() => console.log('tiny ViT export, max |ONNX − tfjs| per engine:', JSON.stringify(worst)));

  it('the shipped ViT: logits, every block\'s attention and the maps match tfjs on shape-task images; same classes', async () => {
    const before = tf.memory().numTensors;
    const model = visionModelFromWeights(await shippedVisionWeights('vit')) as Vit;
    expect(await tensorsLeakedBy(() => exportTinyVit(model, { attention: true }))).toBe(0);
    const bytes = exportTinyVit(model, { attention: true });
    const { images, labels } = shapeImages(20_260_101, 6, 32);
    const cases = batchesOf(model, images);
    await expectMatchesModel(bytes, model, cases, 'shipped');
    // A trained model: it gets most of these right (else agreeing on classes would prove little).
    const predicted = cases.at(-1)!.classes;
    expect(predicted.filter((c, i) => c === labels[i]).length).toBeGreaterThanOrEqual(5);
    disposeExpected(cases);
    model.dispose();
    expect(tf.memory().numTensors, 'tensors left behind by the test').toBe(before);
  });

  it.for([
    { label: 'no stem, 24×24, 6×6 patches, 3 blocks × 3 heads, 3 classes', seed: 11, config: { imageSize: 24, patchSize: 6, stemChannels: 0, dim: 24, depth: 3, numHeads: 3, mlpDim: 40, numClasses: 3 } },
    { label: '8-channel stem, 16×16, 4×4 patches, 1 block × 2 heads', seed: 12, config: { imageSize: 16, patchSize: 4, stemChannels: 8, dim: 16, depth: 1, numHeads: 2, mlpDim: 24 } },
  ])('a seeded ViT ($label) with random biases and norms matches tfjs', async ({ label, seed, config }) => {
    const before = tf.memory().numTensors;
    const model = createTinyVit({ seed, config }) as Vit;
    const r = tensorSource(seed);
    // Fresh models have zero biases and unit norms, which would hide a miswired bias or norm.
    for (const [name, v] of Object.entries(model.parameters)) {
      if (/bias|beta/.test(name)) tf.tidy(() => v.assign(r.normal(v.shape, 0.3)));
      if (/gamma/.test(name)) tf.tidy(() => v.assign(r.normal(v.shape, 0.3, 1)));
      if (name === 'positions' || name === 'classToken') tf.tidy(() => v.assign(r.normal(v.shape, 0.5)));
    }
    expect(await tensorsLeakedBy(() => exportTinyVit(model, { attention: true }))).toBe(0);
    const bytes = exportTinyVit(model, { attention: true });
    const { images } = shapeImages(seed, 5, config.imageSize);
    const cases = batchesOf(model, images);
    await expectMatchesModel(bytes, model, cases, label);
    disposeExpected(cases);
    model.dispose();
    expect(tf.memory().numTensors, 'tensors left behind by the test').toBe(before);
  });

  it('without attention gives logits only; declares a symbolic batch and its metadata', async () => {
    const model = createTinyVit({ seed: 3 }) as Vit;
    const bytes = exportTinyVit(model, { name: 'vit-demo' });
    const session = await createOnnxSession(bytes, { engine: 'ort-node' });
    expect(session.outputNames).toEqual(['logits']);
    expect(session.attentionOutputs).toEqual([]);
    await session.release();

    const proto = onnxProto.onnx.ModelProto.decode(bytes);
    const dims = (v: onnxProto.onnx.IValueInfoProto) => v.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue));
    expect(dims(proto.graph!.input![0]!)).toEqual(['batch', 32, 32, 3]);
    expect(dims(proto.graph!.output![0]!)).toEqual(['batch', 4]);
    const metadata = Object.fromEntries(proto.metadataProps!.map((p) => [p.key, p.value]));
    expect(metadata).toMatchObject({
      'heed.model': 'vit-demo', 'heed.variant': 'vit', 'heed.task': 'classification', 'heed.classes': '4',
      'heed.class_names': '["circle","square","triangle","cross"]', 'heed.image_size': '32', 'heed.patch_size': '4',
      'heed.num_blocks': '2', 'heed.num_heads': '4', 'heed.maps': '["classToken","rollout"]',
    });
    const withAttention = onnxProto.onnx.ModelProto.decode(exportTinyVit(model, { attention: true }));
    expect(dims(withAttention.graph!.output![2]!)).toEqual(['batch', 4, 65, 65]);
    model.dispose();
  });

  it('refuses a model that is not a tiny ViT, or whose image is not whole patches', () => {
    const cnn = createCbamCnn({ seed: 1 });
    expect(() => exportTinyVit(cnn as unknown as Vit)).toThrow(/exportTinyVit: expected a tiny ViT \(kind 'vit'\), got kind 'cbam'/);
    cnn.dispose();
    expect(() => exportTinyVit(undefined as unknown as Vit)).toThrow(/expected a tiny ViT/);
    const ragged = { kind: 'vit', config: { imageSize: 30, patchSize: 4 }, parameters: {} } as unknown as Vit;
    expect(() => exportTinyVit(ragged)).toThrow(/image size 30 is not a multiple of patch size 4/);
  });
});
