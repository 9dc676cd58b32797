import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BACKENDS, backendOrSkip, maxRelativeError, seededRandom, tensorsLeakedBy, useBackend } from '@heed/testing';
import { disposeAttentionMaps } from '../attention/attention-map.js';
import { sampleAndGroup, sampleAndGroupIndices } from '../sampling/sample-and-group.js';
import { LocalOp } from './local-op.js';
import { createPCT, type PCTModel } from './pct-model.js';
import type { PCTOptions } from './pct-config.js';

/** A small cloud count and small grouping stages keep every variant fast; channel widths stay real. */
const N = 64;
const tinyStages = [{ numSamples: 32, k: 8 }, { numSamples: 16, k: 8 }];
const cloud = (b: number, seed = 1) => {
  const rand = seededRandom(seed);
  return tf.tensor3d(Float32Array.from({ length: b * N * 3 }, () => rand() * 2 - 1), [b, N, 3]);
};
const tiny = (o: Partial<PCTOptions> = {}): PCTModel =>
  createPCT({ numClasses: 7, seed: 5, ...(o.variant === undefined || o.variant === 'pct' ? { stages: tinyStages } : {}), ...o });

describe.each(BACKENDS)('PCT family on %s', (backend) => {
  it('every variant and task gives the right shapes and attention maps', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const variants = backend === 'webgpu' ? (['pct'] as const) : (['pct', 'spct', 'npct'] as const);
    for (const variant of variants) {
      for (const task of ['classification', 'segmentation'] as const) {
        if (backend === 'webgpu' && task === 'segmentation') continue;
        const model = tiny({ variant, task, ...(task === 'segmentation' ? { numCategories: 4, stages: variant === 'pct' ? [{ numSamples: 'all', k: 8 }, { numSamples: 'all', k: 8 }] : undefined } : {}) });
        const points = cloud(2);
        const { logits, attention } = model.predict(points, { returnAttention: true, ...(task === 'segmentation' ? { categories: [1, 3] } : {}) });
        const pts = variant === 'pct' && task === 'classification' ? 16 : N;
        expect(logits.shape, `${variant} ${task}`).toEqual(task === 'classification' ? [2, 7] : [2, N, 7]);
        expect(attention!.map((a) => a.name)).toEqual(['pt_last.sa1', 'pt_last.sa2', 'pt_last.sa3', 'pt_last.sa4']);
        expect(attention![0]!.matrix!.shape).toEqual([2, pts, pts]);
        expect(attention![0]!.kind).toBe(variant === 'npct' ? 'scaled-dot' : 'offset');
        expect(attention![0]!.xyz.shape).toEqual([2, pts, 3]);
        expect(Array.from(await logits.data()).every(Number.isFinite)).toBe(true);
        disposeAttentionMaps(attention);
        tf.dispose([logits, points]);
        model.dispose();
      }
    }
  });

  it('does not leak over repeated forwards (inference with attention, and training mode)', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const model = tiny();
    const points = cloud(2);
    expect(await tensorsLeakedBy(() => {
      const { logits, attention } = model.predict(points, { returnAttention: true });
      logits.dispose();
      disposeAttentionMaps(attention);
    })).toBe(0);
    expect(await tensorsLeakedBy(() => model.apply(points, { training: true }).dispose())).toBe(0);
    points.dispose();
    model.dispose();
  });
});

describe.each(['cpu', 'wasm'] as const)('PCT training on %s', (backend) => {
  it('a train-mode step gives finite gradients for every weight and updates BatchNorm statistics', async (ctx) => {
    await backendOrSkip(ctx, backend);
    // NPCT (separate q/k, scaled-dot attention) on wasm only: tfjs-cpu is slow, and the gradient
    // code paths are backend-independent.
    for (const variant of backend === 'cpu' ? (['pct'] as const) : (['pct', 'npct'] as const)) {
      const model = tiny({ variant });
      const points = cloud(2, 9);
      const labels = tf.oneHot(tf.tensor1d([1, 4], 'int32'), 7);
      const vars = model.trainableVariables();
      const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(labels, model.apply(points, { training: true, seed: 3 })) as tf.Scalar, vars);
      expect(Number.isFinite((await value.data())[0]!)).toBe(true);
      const names = new Map(model.stateEntries().flatMap((e) => (e.kind === 'counter' ? [] : [[e.param.variable.name, e.name] as const])));
      expect(Object.keys(grads).length).toBe(vars.length);
      for (const v of vars) {
        const g = grads[v.name];
        expect(g, names.get(v.name)).toBeDefined();
        expect(Array.from(await g!.data()).every(Number.isFinite), names.get(v.name)).toBe(true);
      }
      // The tied q/k weight is one variable; NPCT has separate ones.
      const qk = model.stateEntries().filter((e) => /sa1\.[qk]_conv\.weight$/.test(e.name)).map((e) => e.kind !== 'counter' && e.param.variable);
      expect(qk[0] === qk[1]).toBe(variant !== 'npct');
      const sd = model.stateDict();
      expect(Number(sd.get('bn1.num_batches_tracked')!.data[0])).toBe(1);
      expect(Array.from(sd.get('bn1.running_mean')!.data as Float32Array).some((x) => x !== 0)).toBe(true);
      tf.dispose([value, points, labels, ...Object.values(grads)]);
      model.dispose();
    }
  });
});

describe('PCT numerics (cpu)', () => {
  it('batches are independent in evaluation mode', async () => {
    await useBackend('cpu');
    const model = tiny();
    const both = cloud(2, 4);
    const [a, b] = tf.split(both, 2);
    const joint = await model.predict(both).logits.data();
    const single = [...(await model.predict(a as tf.Tensor3D).logits.data()), ...(await model.predict(b as tf.Tensor3D).logits.data())];
    expect(maxRelativeError(joint, single)).toBeLessThan(1e-4);
    model.dispose();
  });

  it('the same seed gives the same weights', async () => {
    await useBackend('cpu');
    const [m1, m2] = [tiny(), tiny()];
    expect(Array.from(m1.stateDict().get('pt_last.sa2.v_conv.bias')!.data as Float32Array))
      .toEqual(Array.from(m2.stateDict().get('pt_last.sa2.v_conv.bias')!.data as Float32Array));
    m1.dispose();
    m2.dispose();
  });

  it('stateDict() leaves no tensors behind (checkpoints call it every epoch)', async () => {
    await useBackend('cpu');
    const model = tiny();
    expect(await tensorsLeakedBy(() => model.stateDict())).toBe(0);
    model.dispose();
  });

  it('LocalOp.applyIndexed equals the reference form on sample_and_group features', async () => {
    await useBackend('cpu');
    const op = new LocalOp(2 * 6, 12, (() => { let s = 1; return () => s++; })());
    const xyz = cloud(2, 6);
    const feats = tf.randomNormal([2, N, 6], 0, 1, 'float32', 8) as tf.Tensor3D;
    for (const training of [false, true]) {
      const g = sampleAndGroup(20, 5, xyz, feats);
      const idx = sampleAndGroupIndices(20, 5, xyz);
      const expected = await op.apply(g.grouped, training).data();
      const got = await op.applyIndexed(feats, idx.centres, idx.neighbours, training).data();
      expect(maxRelativeError(got, expected), `training=${training}`).toBeLessThan(1e-5);
    }
    op.dispose();
  });

  it('explains bad inputs', async () => {
    await useBackend('cpu');
    expect(() => createPCT({ numClasses: 0 })).toThrow(/numClasses must be a positive integer/);
    expect(() => createPCT({ variant: 'spct', numClasses: 3, stages: tinyStages })).toThrow(/stages apply to variant 'pct' only/);
    const model = tiny();
    expect(() => model.predict(tf.zeros([1, 64, 2]) as tf.Tensor3D)).toThrow(/PCT: points must be \[B, N, 3\]/);
    expect(() => model.predict(tf.zeros([1, 20, 3]) as tf.Tensor3D)).toThrow(/numSamples must be an integer in \[1, 20\]/);
    expect(() => model.apply(cloud(1), { training: true })).toThrow(/BatchNorm\(512\): training needs more than 1 value per channel/);
    model.dispose();
  });
});
