import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { CBAM, type CbamOptions, type CbamWeights, cbam } from '@heed/channel-spatial';
import { createOnnxSession } from '../../run/onnx-session.js';
import { exportCbam } from './cbam.js';
import { type ComparisonCase, expectMatchesTfjs, expectNoNewTensors, feed, maxAbsDiff, tensorSource, useCpu } from './test/compare.js';

const C = 12, HIDDEN = 3;
type Source = ReturnType<typeof tensorSource>;

/** CBAM weights with every optional part: MLP biases, spatial bias, BN with non-trivial statistics. */
function cbamWeights(r: Source, spatialKernel: number[]): CbamWeights {
  return {
    channel: {
      w1: r.normal([C, HIDDEN], 0.5) as tf.Tensor2D, b1: r.normal([HIDDEN], 0.3) as tf.Tensor1D,
      w2: r.normal([HIDDEN, C], 0.5) as tf.Tensor2D, b2: r.normal([C], 0.3) as tf.Tensor1D,
    },
    spatial: {
      kernel: r.normal(spatialKernel, 0.3), bias: r.normal([1], 0.5) as tf.Tensor1D,
      batchNorm: {
        gamma: r.uniform([1], 0.5, 1.5) as tf.Tensor1D, beta: r.normal([1], 0.5) as tf.Tensor1D,
        movingMean: r.normal([1], 0.5) as tf.Tensor1D, movingVariance: r.uniform([1], 0.5, 2) as tf.Tensor1D,
      },
    },
  };
}

function cbamCase(label: string, x: tf.Tensor, weights: CbamWeights, options: CbamOptions = {}): ComparisonCase {
  const r = cbam(x, weights, options);
  return {
    label,
    feeds: { features: x, ...(options.neighbours ? { neighbours: options.neighbours } : {}) },
    expected: { output: r.output, attention_channel: r.channelWeights, ...(r.spatialMap ? { attention_spatial: r.spatialMap } : {}) },
  };
}

const tensorsOf = (weights: CbamWeights, cases: ComparisonCase[]): tf.Tensor[] => [
  ...Object.values(weights.channel), weights.spatial!.kernel, weights.spatial!.bias!, ...Object.values(weights.spatial!.batchNorm!),
  ...cases.flatMap((c) => [...Object.values(c.feeds), ...Object.values(c.expected)]),
];

describe('exportCbam', () => {
  beforeAll(useCpu);

  it('images: channel gate and 7×7 spatial gate (bias, BN) match tfjs in ort-node and ort-wasm, at B = 2, 1 and 3', async () => {
    const r = tensorSource(31);
    const weights = cbamWeights(r, [7, 7, 2, 1]);
    const options = { epsilon: 1e-3 };
    const model = expectNoNewTensors(() => exportCbam(weights, options));
    const cases = [[2, 9, 9], [1, 9, 9], [3, 9, 9], [2, 5, 13]].map(([b, h, w]) => cbamCase(`[${b}, ${h}, ${w}]`, r.normal([b!, h!, w!, C]), weights, options));
    const worst = await expectMatchesTfjs(model, cases, (s) => {
      expect(s.inputNames).toEqual(['features']);
      expect(s.attentionOutputs).toEqual(['attention_channel', 'attention_spatial']);
    });
    console.log('CBAM image: max |onnx − tfjs|', worst);
    tf.dispose(tensorsOf(weights, cases));
  });

  it('points: channel gate and kNN spatial gate (k = 5) match tfjs, at B = 2, 1 and 3 and another N', async () => {
    const r = tensorSource(32);
    const k = 5;
    const weights = cbamWeights(r, [2 * k, 1]);
    const model = expectNoNewTensors(() => exportCbam(weights, { layout: 'points' }));
    const cases = [[2, 11], [1, 11], [3, 11], [2, 7]].map(([b, n]) =>
      cbamCase(`[${b}, ${n}]`, r.normal([b!, n!, C]), weights, { neighbours: r.neighbours(b!, n!, k) }));
    const worst = await expectMatchesTfjs(model, cases, (s) => {
      expect(s.inputNames).toEqual(['features', 'neighbours']);
      expect(s.attentionOutputs).toEqual(['attention_channel', 'attention_spatial']);
    });
    console.log('CBAM points: max |onnx − tfjs|', worst);
    tf.dispose(tensorsOf(weights, cases));
  });

  it('noSpatial: channel gate only, images and points', async () => {
    const r = tensorSource(33);
    const weights = cbamWeights(r, [3, 3, 2, 1]);
    for (const [layout, shape] of [['image', [2, 9, 9, C]], ['points', [2, 11, C]]] as const) {
      const model = exportCbam(weights, { layout, noSpatial: true });
      const cases = [cbamCase(layout, r.normal([...shape]), weights, { noSpatial: true })];
      await expectMatchesTfjs(model, cases, (s) => expect(s.outputNames).toEqual(['output', 'attention_channel']));
      tf.dispose(cases.flatMap((c) => [...Object.values(c.feeds), ...Object.values(c.expected)]));
    }
    tf.dispose(tensorsOf(weights, []));
  });

  it('exports a built CBAM layer with its BN ε; swapping the max and mean filters would be caught', async () => {
    const r = tensorSource(34);
    const layer = new CBAM({ reduction: 4, kernelSize: 5, spatialBias: true, bnEpsilon: 0.01 });
    const x = r.normal([2, 9, 9, C]);
    layer.build(x.shape);
    const values = layer.getWeights().map((w, i, all) => (i >= all.length - 1 ? r.uniform(w.shape, 0.5, 2) : r.normal(w.shape, 0.5)));
    layer.setWeights(values);
    const model = expectNoNewTensors(() => exportCbam(layer));
    const maps = layer.callWithMaps(x);
    await expectMatchesTfjs(model, [{
      label: 'layer', feeds: { features: x },
      expected: { output: maps.output, attention_channel: maps.channelWeights, attention_spatial: maps.spatialMap! },
    }]);
    // The same weights with the spatial filter's two input channels swapped give another map.
    const kernel = layer.getWeights().find((w) => w.shape.length === 4)!;
    const swapped = tf.reverse(kernel, 2);
    const bn = layer.getWeights().slice(-4);
    const wrong = exportCbam({
      channel: { w1: values[0] as tf.Tensor2D, b1: values[1] as tf.Tensor1D, w2: values[2] as tf.Tensor2D, b2: values[3] as tf.Tensor1D },
      spatial: {
        kernel: swapped, bias: values[5] as tf.Tensor1D,
        batchNorm: { gamma: bn[0] as tf.Tensor1D, beta: bn[1] as tf.Tensor1D, movingMean: bn[2] as tf.Tensor1D, movingVariance: bn[3] as tf.Tensor1D },
      },
    }, { epsilon: 0.01 });
    const session = await createOnnxSession(wrong, { engine: 'ort-node' });
    const result = await session.run({ features: feed(x) });
    expect(maxAbsDiff(result['attention_channel']!.data as Float32Array, maps.channelWeights.dataSync())).toBeLessThanOrEqual(1e-4);
    expect(maxAbsDiff(result['attention_spatial']!.data as Float32Array, maps.spatialMap!.dataSync())).toBeGreaterThan(1e-3);
    await session.release();
    tf.dispose([x, swapped, ...values, maps.output, maps.channelWeights, maps.spatialMap!]);
    layer.weights.forEach((w) => w.dispose());
  });

  it('explains what a points export is missing', () => {
    const r = tensorSource(35);
    const weights = cbamWeights(r, [7, 7, 2, 1]);
    expect(() => exportCbam(weights, { layout: 'points' })).toThrow(/points need a spatial kernel \[2k, 1\], got \[7,7,2,1\]/);
    expect(() => exportCbam({ channel: weights.channel })).toThrow(/weights.spatial is required unless noSpatial/);
    tf.dispose(tensorsOf(weights, []));
  });
});
