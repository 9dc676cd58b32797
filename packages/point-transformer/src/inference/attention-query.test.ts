import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { backendOrSkip, seededRandom, tensorsLeakedBy } from '@heed/testing';
import { attentionRow } from '../attention-maps/attention-row.js';
import { disposeAttentionMaps } from '../attention/attention-map.js';
import { createPCT } from '../model/pct-model.js';
import { attentionColors } from './attention-colors.js';
import { attentionLayerCount, queryAttention } from './attention-query.js';
import { classifyCloud } from './classify.js';
import { nearestPoint } from './nearest-point.js';
import { prepareCloud } from './prepare-cloud.js';

const N = 64;
const rand = seededRandom(7);
const input = Float32Array.from({ length: 3 * 150 }, () => (rand() * 2 - 1) * 10 + 4); // 150 points, not normalised
const tiny = (variant: 'pct' | 'npct') => createPCT({ variant, numClasses: 5, seed: 11, ...(variant === 'pct' ? { stages: [{ numSamples: 32, k: 8 }, { numSamples: 16, k: 8 }] } : {}) });

describe.each(['wasm', 'cpu'] as const)('inference helpers on %s', (backend) => {
  it('classifies: softmax probabilities of the logits, nothing leaked', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const model = tiny('pct');
    const prepared = prepareCloud(input, { numPoints: N });
    const { logits, probabilities } = await classifyCloud(model, prepared);
    expect(logits).toHaveLength(5);
    expect(probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    const max = Math.max(...logits);
    const z = logits.reduce((a, l) => a + Math.exp(l - max), 0);
    logits.forEach((l, i) => expect(probabilities[i]).toBeCloseTo(Math.exp(l - max) / z, 5));
    expect(await tensorsLeakedBy(() => classifyCloud(model, prepared))).toBe(0);
    model.dispose();
  });

  it.for(['pct', 'npct'] as const)('%s: the query is the layer point nearest the input point; weights are attentionRow', async (variant, ctx) => {
    await backendOrSkip(ctx, backend);
    const model = tiny(variant);
    const prepared = prepareCloud(input, { numPoints: N });
    expect(attentionLayerCount(model)).toBe(4);
    const query = 42;
    const got = await queryAttention(model, prepared, input, 3, query);
    const m = variant === 'pct' ? 16 : N;
    expect(got.weights).toHaveLength(m);
    expect(got.name).toBe('pt_last.sa3');

    // Independently: the layer's points and the query's weights from the model's maps.
    const points = tf.tensor3d(prepared.points, [1, N, 3]);
    const { logits, attention } = model.predict(points, { returnAttention: true });
    const xyz = await attention![2]!.xyz.data();
    expect(got.xyzNormalised).toEqual(xyz);
    const { center, scale } = prepared.transform;
    const q = nearestPoint(xyz, ...([0, 1, 2].map((k) => (input[3 * query + k]! - center[k]!) / scale) as [number, number, number]));
    expect(got.queryPoint).toBe(q);
    const row = attentionRow(attention![2]!, q);
    Array.from(await row.data()).forEach((w, i) => expect(Math.abs(w - got.weights[i]!)).toBeLessThan(1e-5));
    // xyz in the input's original coordinates.
    got.xyz.forEach((v, i) => expect(Math.abs(v - (xyz[i]! * scale + center[i % 3]!))).toBeLessThan(1e-9));
    tf.dispose([row, points, logits]);
    disposeAttentionMaps(attention);

    // Each input point takes its nearest layer point's weight.
    const { values, colors } = attentionColors(input, got, 'viridis');
    expect(values).toHaveLength(150);
    expect(colors).toHaveLength(450);
    const j = 17;
    expect(values[j]).toBe(got.weights[nearestPoint(got.xyz, input[3 * j]!, input[3 * j + 1]!, input[3 * j + 2]!)]);

    expect(await tensorsLeakedBy(() => queryAttention(model, prepared, input, 1, 0))).toBe(0);
    await expect(queryAttention(model, prepared, input, 5, 0)).rejects.toThrow(/layer 5 does not exist: the model has attention layers 1–4/);
    await expect(queryAttention(model, prepared, input, 0, 0)).rejects.toBeInstanceOf(RangeError);
    await expect(queryAttention(model, prepared, input, 1, 150)).rejects.toThrow(/query 150 is not a point of the cloud \(it has 150 points: 0–149\)/);
    model.dispose();
  });
});
