import * as tf from '@tensorflow/tfjs-core';
import { input, model, models, type SymbolicTensor } from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BACKENDS, backendOrSkip, maskedSoftmaxRows, matmul, maxRelativeError, seededRandom, tensorsLeakedBy, useBackend,
} from '@heed/testing';
import { AdditiveAttention } from './additive-attention-layer.js';
import { randomFlat, refAdditive, slicesOf } from '../test/reference-scores.js';

const [B, Tq, Tk, dq, dk, dv, units] = [2, 3, 4, 5, 2, 3, 6];

function inputs(seed = 1) {
  const rand = seededRandom(seed);
  const flat = { q: randomFlat(rand, B * Tq * dq), k: randomFlat(rand, B * Tk * dk), v: randomFlat(rand, B * Tk * dv) };
  return { flat, tensors: [tf.tensor(flat.q, [B, Tq, dq]), tf.tensor(flat.k, [B, Tk, dk]), tf.tensor(flat.v, [B, Tk, dv])] };
}

/** float64 additive attention using the layer's own weights (read back). */
async function reference(layer: AdditiveAttention, flat: ReturnType<typeof inputs>['flat'], lens = [Tk, Tk]) {
  const [wq, wk, wv] = await Promise.all(layer.getWeights().map(async (w) => Array.from(await w.data())));
  const qs = slicesOf(flat.q, B, Tq, dq), ks = slicesOf(flat.k, B, Tk, dk), vs = slicesOf(flat.v, B, Tk, dv);
  return qs.map((q, b) => {
    const scores = refAdditive(q, ks[b]!, slicesOf(wq!, 1, dq, units)[0]!, slicesOf(wk!, 1, dk, units)[0]!, wv!);
    const weights = maskedSoftmaxRows(scores, (_i, j) => j < lens[b]!);
    return { weights, output: matmul(weights, vs[b]!) };
  });
}

describe.each(BACKENDS)('AdditiveAttention layer on %s', (backend) => {
  it('apply on eager tensors matches float64, with validLens and returnWeights', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const { flat, tensors } = inputs();
    const layer = new AdditiveAttention({ units, seed: 7 });
    const out = layer.apply(tensors) as tf.Tensor;
    expect(out.shape).toEqual([B, Tq, dv]);
    expect(layer.getWeights().map((w) => w.shape)).toEqual([[dq, units], [dk, units], [units]]);
    expect(maxRelativeError(await out.data(), (await reference(layer, flat)).map((r) => r.output))).toBeLessThan(1e-5);

    const withWeights = new AdditiveAttention({ units, returnWeights: true });
    const [o2, w2] = withWeights.apply(tensors, { validLens: [3, 0] }) as tf.Tensor[];
    const expected = await reference(withWeights, flat, [3, 0]);
    expect(maxRelativeError(await o2!.data(), expected.map((r) => r.output))).toBeLessThan(1e-5);
    expect(maxRelativeError(await w2!.data(), expected.map((r) => r.weights))).toBeLessThan(1e-5);
    tf.dispose([...tensors, out, o2!, w2!]);
    layer.dispose();
    withWeights.dispose();
  });

  it('does not leak tensors', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const { tensors } = inputs();
    const layer = new AdditiveAttention({ units, returnWeights: true, dropout: 0.2 });
    const leaked = await tensorsLeakedBy(() => tf.dispose(layer.apply(tensors, { training: true, validLens: [1, 2] }) as tf.Tensor[]));
    expect(leaked).toBe(0);
    tf.dispose(tensors);
    layer.dispose();
  });
});

describe('AdditiveAttention layer in models (cpu)', () => {
  beforeAll(() => useBackend('cpu'));

  const symbolicInputs = () => [input({ shape: [Tq, dq] }), input({ shape: [Tk, dk] }), input({ shape: [Tk, dv] })];

  it('works inside tf.model, symbolic shapes included, and round-trips through getConfig/fromConfig and JSON', async () => {
    const ins = symbolicInputs();
    const layer = new AdditiveAttention({ units, returnWeights: true, dropout: 0.1, seed: 3, name: 'attend' });
    const [out, weights] = layer.apply(ins) as SymbolicTensor[];
    expect(out!.shape).toEqual([null, Tq, dv]);
    expect(weights!.shape).toEqual([null, Tq, Tk]);
    const m = model({ inputs: ins, outputs: [out!, weights!] });
    const { flat, tensors } = inputs(2);
    const [po, pw] = m.predict(tensors) as tf.Tensor[];
    const expected = await reference(layer, flat);
    expect(maxRelativeError(await po!.data(), expected.map((r) => r.output))).toBeLessThan(1e-5);
    expect(maxRelativeError(await pw!.data(), expected.map((r) => r.weights))).toBeLessThan(1e-5);

    const config = layer.getConfig();
    expect(config).toMatchObject({ units, returnWeights: true, dropout: 0.1, seed: 3, name: 'attend' });
    const clone = AdditiveAttention.fromConfig(AdditiveAttention, config) as AdditiveAttention;
    expect(clone.getConfig()).toEqual(config);

    const restored = await models.modelFromJSON({ modelTopology: m.toJSON(null, false) as tf.io.ModelJSON['modelTopology'] });
    expect(restored.layers.find((l) => l.name === 'attend')).toBeInstanceOf(AdditiveAttention);
    restored.setWeights(m.getWeights());
    const [ro] = restored.predict(tensors) as tf.Tensor[];
    expect(maxRelativeError(await ro!.data(), await po!.data())).toBeLessThan(1e-6);
    tf.dispose([...tensors, po!, pw!, ro!]);
  });

  it('trains with model.fit (the weights get gradients)', async () => {
    const ins = symbolicInputs();
    const m = model({ inputs: ins, outputs: new AdditiveAttention({ units, seed: 1 }).apply(ins) as SymbolicTensor });
    m.compile({ optimizer: tf.train.adam(0.05), loss: 'meanSquaredError' });
    const { tensors } = inputs(3);
    // Target: the value of key 0 for every query, reachable by learning to score key 0 highest.
    const target = tf.tidy(() => tf.tile(tf.slice(tensors[2]!, [0, 0, 0], [B, 1, dv]), [1, Tq, 1]));
    const before = m.getWeights().map((w) => w.dataSync().slice());
    const history = await m.fit(tensors, target, { epochs: 20, verbose: 0 });
    const loss = history.history['loss'] as number[];
    expect(loss.at(-1)!).toBeLessThan(loss[0]!);
    m.getWeights().forEach((w, i) => expect(maxRelativeError(w.dataSync(), before[i]!)).toBeGreaterThan(0));
    tf.dispose([...tensors, target]);
  });

  it('rejects a bad config or inputs', () => {
    expect(() => new AdditiveAttention({ units: 0 })).toThrow(/units/);
    const layer = new AdditiveAttention({ units: 2 });
    expect(() => tf.tidy(() => { layer.apply(tf.zeros([1, 2, 3])); })).toThrow(/queries, keys, values/);
  });
});
