import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { BACKENDS, backendOrSkip, maxRelativeError, tensorsLeakedBy, useBackend } from '@heed/testing';
import { CBAM, ECA, SqueezeExcitation } from '../index.js';
import {
  type CbamCase, type StoredMlp, type StoredTensor,
  cbamImageFixture, cbamPointsFixture, ecaFixture, seFixture, tensorOf, tensorsIn,
} from '../test/fixtures.js';

const TOLERANCE = 1e-5;

/** Frees a layer's variables (Layer.dispose() refuses layers never applied to symbolic inputs). */
const disposeLayer = (layer: tfl.layers.Layer) => layer.weights.forEach((w) => w.dispose());

/** Fixture weights in the layers' getWeights/setWeights order. */
const mlpList = (w: StoredMlp): StoredTensor[] => [w.w1, ...(w.b1 ? [w.b1] : []), w.w2, ...(w.b2 ? [w.b2] : [])];

function cbamWeightList(c: CbamCase): StoredTensor[] {
  const s = c.weights.spatial;
  const bn = s?.batchNorm;
  return [
    ...mlpList(c.weights.channel),
    ...(s ? [s.kernel, ...(s.bias ? [s.bias] : [])] : []),
    ...(bn ? [bn.gamma, bn.beta, bn.movingMean, bn.movingVariance] : []),
  ];
}

function cbamLayerFor(c: CbamCase): CBAM {
  const { reduction, noSpatial, kernelSize, neighbours, batchNorm, spatialBias } = c.config;
  return new CBAM({ reduction, noSpatial, kernelSize, neighbours, batchNorm, spatialBias });
}

function loadWeights(layer: tfl.layers.Layer, x: tf.Tensor, list: StoredTensor[], neighbours?: tf.Tensor): void {
  layer.build(neighbours ? [x.shape, neighbours.shape] : x.shape);
  layer.built = true;
  const values = list.map((t) => tensorOf(t));
  layer.setWeights(values);
  tf.dispose(values);
}

describe.each(BACKENDS)('layers on %s', (backend) => {
  it('SqueezeExcitation and ECA match PyTorch with loaded weights (apply and callWithMaps)', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const cases = [
      ...seFixture().map((c) => ({ c, layer: new SqueezeExcitation(c.config), weights: mlpList(c.weights) })),
      ...ecaFixture().cases.map((c) => ({ c, layer: new ECA(), weights: [c.weights.kernel] })),
    ];
    for (const { c, layer, weights } of cases) {
      const x = tensorOf(c.inputs.x);
      loadWeights(layer, x, weights);
      const output = layer.apply(x) as tf.Tensor;
      expect(maxRelativeError(await output.data(), c.expected.output.data), c.name).toBeLessThan(TOLERANCE);
      const maps = (layer as SqueezeExcitation | ECA).callWithMaps(x);
      expect(maxRelativeError(await maps.channelWeights.data(), c.expected.channelWeights.data), c.name).toBeLessThan(TOLERANCE);
      tf.dispose([x, output, maps.output, maps.channelWeights]);
      disposeLayer(layer);
    }
  });

  it('CBAM matches PyTorch with loaded weights, images and points, inference and training mode', async (ctx) => {
    await backendOrSkip(ctx, backend);
    for (const c of [...cbamImageFixture(), ...cbamPointsFixture()]) {
      const x = tensorOf(c.inputs.x);
      const neighbours = c.inputs.neighbours ? tensorOf(c.inputs.neighbours, 'int32') : undefined;
      const layer = cbamLayerFor(c);
      loadWeights(layer, x, cbamWeightList(c), neighbours);
      expect(layer.getWeights().length, c.name).toBe(cbamWeightList(c).length);
      const output = layer.apply(neighbours ? [x, neighbours] : x) as tf.Tensor;
      expect(maxRelativeError(await output.data(), c.expected.output.data), c.name).toBeLessThan(TOLERANCE);
      const maps = layer.callWithMaps(x, neighbours);
      expect(maxRelativeError(await maps.channelWeights.data(), c.expected.channelWeights.data), c.name).toBeLessThan(TOLERANCE);
      if (c.expected.spatialMap) expect(maxRelativeError(await maps.spatialMap!.data(), c.expected.spatialMap.data), c.name).toBeLessThan(TOLERANCE);
      const training = c.expected.training;
      if (training) {
        // One training-mode call: batch statistics, then the moving statistics move like PyTorch's.
        const trained = layer.apply(neighbours ? [x, neighbours] : x, { training: true }) as tf.Tensor;
        expect(maxRelativeError(await trained.data(), training.output.data), c.name).toBeLessThan(TOLERANCE);
        const [movingMean, movingVariance] = layer.getWeights().slice(-2);
        expect(maxRelativeError(await movingMean!.data(), training.movingMean.data), c.name).toBeLessThan(TOLERANCE);
        expect(maxRelativeError(await movingVariance!.data(), training.movingVariance.data), c.name).toBeLessThan(TOLERANCE);
        trained.dispose();
      }
      tf.dispose([x, neighbours!, output, ...tensorsIn(maps)].filter(Boolean));
      disposeLayer(layer);
    }
  });

  it('does not leak tensors (apply, training apply, callWithMaps)', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const x = tf.randomNormal([2, 5, 6, 16]);
    const layers = [new SqueezeExcitation({ reduction: 4 }), new ECA(), new CBAM({ reduction: 4, kernelSize: 3 })];
    for (const layer of layers) tf.dispose(layer.apply(x) as tf.Tensor); // builds the weights
    const leaked = await tensorsLeakedBy(() => {
      for (const layer of layers) {
        tf.dispose(layer.apply(x) as tf.Tensor);
        tf.dispose(layer.apply(x, { training: true }) as tf.Tensor);
        tf.dispose(tensorsIn((layer as CBAM).callWithMaps(x)));
      }
    });
    expect(leaked).toBe(0);
    layers.forEach(disposeLayer);
    x.dispose();
  });
});

describe('layers in models (cpu)', () => {
  it('SE, CBAM and ECA stack in tf.sequential, train with fit (moving statistics move), and save/load by className', async () => {
    await useBackend('cpu');
    const model = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [8, 8, 3], filters: 16, kernelSize: 3, padding: 'same', activation: 'relu' }),
        new CBAM({ reduction: 4, kernelSize: 3, name: 'cbam' }),
        new SqueezeExcitation({ reduction: 4, useBias: true, name: 'se' }),
        new ECA({ name: 'eca' }),
        tfl.layers.globalAveragePooling2d({}),
        tfl.layers.dense({ units: 2, activation: 'softmax' }),
      ],
    });
    expect(model.outputShape).toEqual([null, 2]);
    model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    const xs = tf.randomNormal([6, 8, 8, 3]);
    const ys = tf.oneHot(tf.tensor1d([0, 1, 0, 1, 1, 0], 'int32'), 2);
    const cbamLayer = model.getLayer('cbam') as CBAM;
    const movingBefore = cbamLayer.getWeights().slice(-2).map((t) => t.dataSync()[0]);
    const kernelBefore = cbamLayer.getWeights()[4]!.dataSync().slice();
    await model.fit(xs, ys, { epochs: 1, batchSize: 3, verbose: 0 });
    const movingAfter = cbamLayer.getWeights().slice(-2).map((t) => t.dataSync()[0]);
    expect(movingAfter[0]).not.toBe(movingBefore[0]);
    expect(movingAfter[1]).not.toBe(movingBefore[1]);
    expect(maxRelativeError(cbamLayer.getWeights()[4]!.dataSync(), kernelBefore)).toBeGreaterThan(0); // trained

    const before = model.predict(xs) as tf.Tensor;
    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (a) => { artifacts = a; return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }; }));
    const topology = JSON.stringify(artifacts!.modelTopology);
    for (const name of ['"CBAM"', '"SqueezeExcitation"', '"ECA"']) expect(topology).toContain(name);
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory(artifacts!));
    const after = loaded.predict(xs) as tf.Tensor;
    expect(maxRelativeError(await after.data(), await before.data())).toBeLessThan(1e-6);
    expect((loaded.getLayer('cbam') as CBAM).getConfig()).toEqual(cbamLayer.getConfig());
    tf.dispose([xs, ys, before, after]);
    model.dispose();
    loaded.dispose();
  });

  it('CBAM on points in tf.model with a neighbour-index input equals the functional form', async () => {
    await useBackend('cpu');
    const c = cbamPointsFixture()[0]!;
    const x = tensorOf(c.inputs.x);
    const neighbours = tensorOf(c.inputs.neighbours!, 'int32');
    const [, n, channels] = x.shape as number[];
    const k = neighbours.shape[2]!;
    const features = tfl.input({ shape: [n!, channels!] });
    const knn = tfl.input({ shape: [n!, k], dtype: 'int32' });
    const layer = cbamLayerFor(c);
    const model = tfl.model({ inputs: [features, knn], outputs: layer.apply([features, knn]) as tfl.SymbolicTensor });
    const values = cbamWeightList(c).map((t) => tensorOf(t));
    layer.setWeights(values);
    const out = model.predict([x, neighbours]) as tf.Tensor;
    expect(maxRelativeError(await out.data(), c.expected.output.data)).toBeLessThan(TOLERANCE);
    expect(() => new CBAM({ neighbours: k + 1 }).apply([features, knn])).toThrow(/neighbours/);
    tf.dispose([x, neighbours, out, ...values]);
    model.dispose();
  });

  it('serialises its configuration through the class registry', () => {
    const layer = new CBAM({ reduction: 8, kernelSize: 5, batchNorm: false, bnMomentum: 0.1 });
    const [cls, fromConfig] = tf.serialization.SerializationMap.getMap().classNameMap['CBAM']!;
    const copy = fromConfig(cls, layer.getConfig());
    expect(copy).toBeInstanceOf(CBAM);
    expect((copy as CBAM).getConfig()).toEqual(layer.getConfig());
    expect(new ECA({ kernelSize: 5 }).getConfig()).toMatchObject({ kernelSize: 5, gamma: 2, b: 1 });
    expect(() => new ECA({ kernelSize: 4 })).toThrow(/odd/);
    expect(new SqueezeExcitation().getConfig()).toMatchObject({ reduction: 16, minHidden: 1, useBias: false });
    // functional and layer forms agree on an unloaded (randomly initialised) layer
    const x = tf.randomNormal([1, 4, 4, 8]);
    const maps = layer.callWithMaps(x);
    expect(maps.spatialMap!.shape).toEqual([1, 4, 4]);
    tf.dispose([x, ...tensorsIn(maps)]);
    disposeLayer(layer);
  });
});
