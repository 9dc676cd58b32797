import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type CbamCnnConfig, type VisionModel, createCbamCnn, generateShapeBatch, shippedVisionWeights, visionModelFromWeights,
} from '@heed/vision';
import { createOnnxSession } from '../../run/onnx-session.js';
import { exportCbamCnn } from './cbam-cnn.js';
import { ENGINES, type ComparisonCase, expectMatchesTfjs, expectNoNewTensors, feed, tensorSource, useCpu } from './test/compare.js';

/** tfjs's logits and maps for `images`, as the outputs of an exported model name them. */
function cnnCase(label: string, model: VisionModel, images: tf.Tensor4D, channelGates: Record<string, tf.Tensor> = {}): ComparisonCase {
  const { logits, maps } = model.forward(images);
  const expected: Record<string, tf.Tensor> = { logits, ...channelGates };
  for (const name of model.mapNames) expected[`attention_${name}`] = maps[name]!;
  return { label, feeds: { image: images }, expected };
}

const argmax = (logits: ArrayLike<number>, classes: number) =>
  Array.from({ length: logits.length / classes }, (_, b) => {
    const row = Array.from(logits).slice(b * classes, (b + 1) * classes);
    return row.indexOf(Math.max(...row));
  });

const disposeCases = (cases: ComparisonCase[]) => tf.dispose(cases.flatMap((c) => [...Object.values(c.feeds), ...Object.values(c.expected)]));

describe('exportCbamCnn', () => {
  beforeAll(useCpu);

  it('the shipped CBAM CNN: logits and both CBAM gates match tfjs on shape-task images, same predicted classes', async () => {
    const model = visionModelFromWeights(await shippedVisionWeights('cbam')) as VisionModel<CbamCnnConfig>;
    const bytes = expectNoNewTensors(() => exportCbamCnn(model));
    const batch = generateShapeBatch({ seed: 20_260_101, count: 6 });
    const all = tf.tensor4d(batch.images, [6, 32, 32, 3]);
    const cases = [
      cnnCase('B=6', model, all),
      cnnCase('B=1', model, tf.slice(all, [0], [1])),
      cnnCase('B=3', model, tf.slice(all, [3], [3])),
    ];
    const worst = await expectMatchesTfjs(bytes, cases, (s) => {
      expect(s.inputNames).toEqual(['image']);
      expect(s.outputNames).toEqual(['logits', 'attention_cbam4', 'attention_cbam3']);
    });
    console.log('shipped CBAM CNN: max |onnx − tfjs|', worst);

    const tfjsClasses = argmax(cases[0]!.expected['logits']!.dataSync(), 4);
    for (const engine of ENGINES) {
      const session = await createOnnxSession(bytes, { engine });
      const { logits } = await session.run({ image: feed(all) }, ['logits']);
      expect(argmax(logits!.data as Float32Array, 4), engine).toEqual(tfjsClasses);
      await session.release();
    }
    // A trained model: it gets most of these right (else the comparison would prove little).
    expect(tfjsClasses.filter((c, i) => c === batch.labels[i]).length).toBeGreaterThanOrEqual(5);
    disposeCases(cases);
    all.dispose();
    model.dispose();
  });

  it('a seeded CNN at odd sizes (21×21 → 10 → 5, CBAM before a pool, 3×3 gates, mean pooling) with channel gates', async () => {
    const config = {
      imageSize: 21, numClasses: 3, reduction: 4, spatialKernel: 3, pooling: 'mean' as const, lastGateBias: -1,
      stages: [{ channels: 8, cbam: true, pool: true }, { channels: 12, cbam: false, pool: true }, { channels: 10, cbam: true, pool: false }],
    };
    const model = createCbamCnn({ seed: 7, config });
    const r = tensorSource(8);
    // Fresh models have zero biases and small logits: give every bias values and the head scale.
    for (const [name, v] of Object.entries(model.parameters)) {
      if (/bias|b1|b2/.test(name)) tf.tidy(() => v.assign(r.normal(v.shape, 0.5)));
      if (name === 'head/kernel') tf.tidy(() => v.assign(tf.mul(v, 30)));
    }
    const bytes = expectNoNewTensors(() => exportCbamCnn(model, { channelGates: true }));
    const cases = [2, 1, 3].map((b) => {
      const images = r.uniform([b, 21, 21, 3], 0, 1) as tf.Tensor4D;
      return cnnCase(`B=${b}`, model, images);
    });
    const worst = await expectMatchesTfjs(bytes, cases, (s) => {
      expect(s.outputNames).toEqual(['logits', 'attention_cbam3', 'attention_cbam1', 'attention_cbam3_channel', 'attention_cbam1_channel']);
    });
    expect(cases[0]!.expected['attention_cbam1']!.shape).toEqual([2, 21, 21]);
    expect(cases[0]!.expected['attention_cbam3']!.shape).toEqual([2, 5, 5]);
    console.log('seeded CBAM CNN 21×21: max |onnx − tfjs|', worst, 'largest |logit|', Math.max(...Array.from(cases[0]!.expected['logits']!.dataSync(), Math.abs)));
    // The channel gates come out too: [B, C] in (0, 1).
    const session = await createOnnxSession(bytes, { engine: 'ort-node' });
    const out = await session.run({ image: feed(cases[1]!.feeds['image']!) });
    expect(out['attention_cbam1_channel']!.dims).toEqual([1, 8]);
    expect(out['attention_cbam3_channel']!.dims).toEqual([1, 10]);
    for (const v of out['attention_cbam1_channel']!.data as Float32Array) expect(v > 0 && v < 1).toBe(true);
    await session.release();
    disposeCases(cases);
    model.dispose();
  });

  it('refuses a model that is not a CBAM CNN', () => {
    const fake = { kind: 'vit' } as unknown as VisionModel<CbamCnnConfig>;
    expect(() => exportCbamCnn(fake)).toThrow(/expected a CBAM CNN \(kind 'cbam'\), got kind 'vit'/);
  });
});
