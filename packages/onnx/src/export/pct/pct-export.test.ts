import { readFileSync } from 'node:fs';
import { attentionRow as heedAttentionRow, createPCT, disposeAttentionMaps, loadReferenceCheckpoint, type PCTModel, type PCTOptions } from '@heed/point-transformer';
import { seededRandom } from '@heed/testing';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { attentionRow } from '../../run/attention-outputs.js';
import { readOnnxModelInfo } from '../../run/model-info.js';
import { createOnnxSession, type OnnxEngine } from '../../run/onnx-session.js';
import { exportPCT } from './pct-export.js';

const FIXTURES = new URL('../../../../point-transformer/test-data/', import.meta.url);

interface ReferenceFixture {
  points: { shape: [number, number, number]; data: number[] };
  logits: number[];
  queries: number[];
  attention: { name: string; columns: number[][] }[];
}

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

function randomClouds(batch: number, n: number, seed: number): Float32Array {
  const rand = seededRandom(seed);
  return Float32Array.from({ length: batch * n * 3 }, () => rand() * 2 - 1);
}

/** A small model whose BatchNorms hold non-trivial running statistics (two training passes). */
function trainedLooking(options: PCTOptions, n: number, categories?: number[]): PCTModel {
  const model = createPCT({ ...options, seed: 31 });
  for (let step = 0; step < 2; step++) {
    const x = tf.tensor3d(randomClouds(4, n, 100 + step), [4, n, 3]);
    tf.dispose(model.apply(x, { training: true, seed: step, ...(categories ? { categories: [0, 1, 2, 1] } : {}) }));
    x.dispose();
  }
  return model;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('exportPCT', () => {
  it('the reference checkpoint, exported and run by onnxruntime-node, reproduces PyTorch: logits ≤ 2e-4, attention ≤ 1e-4', async () => {
    const fixture = JSON.parse(readFileSync(new URL('pct_reference.json', FIXTURES), 'utf8')) as ReferenceFixture;
    const model = loadReferenceCheckpoint(readFileSync(new URL('pct_reference.safetensors', FIXTURES)));
    const session = await createOnnxSession(exportPCT(model, { attention: true }), { engine: 'ort-node' });
    expect(session.attentionOutputs).toEqual(['attention_1', 'attention_2', 'attention_3', 'attention_4']);
    const out = await session.run({ points: { data: Float32Array.from(fixture.points.data), dims: fixture.points.shape } });
    expect(out.logits!.dims).toEqual([1, fixture.logits.length]);
    const logitError = maxAbs(out.logits!.data as Float32Array, fixture.logits);
    let attentionError = 0;
    fixture.attention.forEach((layer, l) => {
      const a = out[`attention_${l + 1}`]!;
      const s = a.dims[1]!;
      expect(a.dims).toEqual([1, 256, 256]);
      // The fixture keeps, per query q, column q of Â: how q mixes every centre.
      fixture.queries.forEach((q, qi) => {
        const column = Float32Array.from({ length: s }, (_, i) => (a.data as Float32Array)[i * s + q]!);
        attentionError = Math.max(attentionError, maxAbs(column, layer.columns[qi]!));
      });
    });
    console.log(`exported reference PCT on ort-node: max |Δlogit| ${logitError.toExponential(2)}, max |Δattention| ${attentionError.toExponential(2)}`);
    expect(logitError).toBeLessThanOrEqual(2e-4);
    expect(attentionError).toBeLessThanOrEqual(1e-4);
    await session.release();
    model.dispose();
  });

  const cases: { label: string; options: PCTOptions; n: number; batch: number; engine: OnnxEngine; categories?: number[] }[] = [
    { label: 'PCT classifier, two FPS stages', options: { variant: 'pct', numClasses: 5, stages: [{ numSamples: 24, k: 6 }, { numSamples: 11, k: 5 }] }, n: 53, batch: 3, engine: 'ort-node' },
    { label: 'NPCT classifier (scaled-dot attention)', options: { variant: 'npct', numClasses: 4 }, n: 29, batch: 2, engine: 'ort-node' },
    { label: 'SPCT part segmenter with categories', options: { variant: 'spct', task: 'segmentation', numClasses: 6, numCategories: 3 }, n: 31, batch: 2, engine: 'ort-node', categories: [2, 0] },
    { label: 'PCT part segmenter, every point a centre', options: { variant: 'pct', task: 'segmentation', numClasses: 3, numCategories: 0, stages: [{ numSamples: 'all', k: 4 }, { numSamples: 'all', k: 4 }] }, n: 19, batch: 2, engine: 'ort-wasm' },
  ];
  it.for(cases)('$label on $engine: logits and every attention matrix ≤ 1e-4 of the tfjs model', async ({ options, n, batch, engine, categories }) => {
    const model = trainedLooking(options, n, categories);
    const before = tf.memory().numTensors;
    const bytes = exportPCT(model, { attention: true });
    expect(tf.memory().numTensors).toBe(before);
    const session = await createOnnxSession(bytes, { engine });
    const xyz = randomClouds(batch, n, 7);
    const feeds = { points: { data: xyz, dims: [batch, n, 3] }, ...(categories ? { categories: { data: BigInt64Array.from(categories.map(BigInt)), dims: [batch] } } : {}) };
    const out = await session.run(feeds);
    const points = tf.tensor3d(xyz, [batch, n, 3]);
    const { logits, attention } = model.predict(points, { returnAttention: true, ...(categories ? { categories } : {}) });
    expect(out.logits!.dims).toEqual(logits.shape);
    expect(maxAbs(out.logits!.data as Float32Array, logits.dataSync())).toBeLessThanOrEqual(1e-4);
    attention!.forEach((map, l) => {
      expect(out[`attention_${l + 1}`]!.dims).toEqual(map.matrix!.shape);
      expect(maxAbs(out[`attention_${l + 1}`]!.data as Float32Array, map.matrix!.dataSync())).toBeLessThanOrEqual(1e-4);
      // The layer's points are gathered, not computed: the same coordinates exactly.
      expect(out[`xyz_${l + 1}`]!.dims).toEqual(map.xyz.shape);
      expect(Array.from(out[`xyz_${l + 1}`]!.data as Float32Array)).toEqual(Array.from(map.xyz.dataSync()));
      // The declared orientation picks the same query weights as Heed's own attentionRow.
      const query = 2, batchIndex = batch - 1;
      const expected = heedAttentionRow(map, query, { batch: batchIndex });
      const got = attentionRow(out[`attention_${l + 1}`]!, { query, batch: batchIndex, queries: readOnnxModelInfo(bytes).attentionQueries });
      expect(maxAbs(got, expected.dataSync())).toBeLessThanOrEqual(1e-4);
      expected.dispose();
    });
    disposeAttentionMaps(attention);
    tf.dispose([logits, points]);
    await session.release();
    model.dispose();
  });

  it('without attention the graph has logits only, and any batch size runs', async () => {
    const model = trainedLooking({ variant: 'spct', numClasses: 3 }, 16);
    const session = await createOnnxSession(exportPCT(model), { engine: 'ort-node' });
    expect(session.outputNames).toEqual(['logits']);
    for (const batch of [1, 4]) {
      const out = await session.run({ points: { data: randomClouds(batch, 16, batch), dims: [batch, 16, 3] } });
      expect(out.logits!.dims).toEqual([batch, 3]);
    }
    model.dispose();
  });
});
