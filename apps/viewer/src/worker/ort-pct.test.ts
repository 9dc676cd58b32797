import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createOnnxSession } from '@heed/onnx/points';
import { Random, samplePartCloud, sampleShape } from '@heed/point-transformer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelRun } from '../protocol.js';
import type { LoadedModel } from './model-catalog.js';
import { runModel } from './model-run.js';
import { OrtPctSessions } from './ort-pct.js';
import { shippedModel } from './test/shipped-model.js';

// onnxruntime-web's wasm build in Node: the engine the viewer's ort-wasm backend runs in the browser.
const sessions = new OrtPctSessions((bytes, engine) => createOnnxSession(bytes, { engine }));
const loaded: LoadedModel[] = [];

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterAll(async () => {
  await sessions.releaseAll();
  loaded.forEach((m) => m.model.dispose());
});

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

/** The ONNX run gives the tfjs run's points, attention, statistics, rollout and prediction. */
function expectSameRun(ort: ModelRun, js: ModelRun): void {
  expect(ort.backend).toBe('ort-wasm');
  expect(maxDifference(ort.layerXyz, js.layerXyz)).toBeLessThan(1e-5);
  expect(Array.from(ort.nearestLayerPoint)).toEqual(Array.from(js.nearestLayerPoint));
  expect(ort.layers.map((l) => [l.name, l.kind, l.heads])).toEqual(js.layers.map((l) => [l.name, l.kind, l.heads]));
  ort.layers.forEach((layer, i) => {
    expect(layer.points).toBeUndefined();
    expect(maxDifference(layer.mixing, js.layers[i]!.mixing)).toBeLessThan(1e-4);
    expect(maxDifference(layer.meanDistance, js.layers[i]!.meanDistance)).toBeLessThan(1e-4);
    expect(maxDifference(layer.entropy, js.layers[i]!.entropy)).toBeLessThan(1e-3);
  });
  expect(maxDifference(ort.rollout!, js.rollout!)).toBeLessThan(1e-4);
}

describe('a shipped PCT exported to ONNX and run by onnxruntime-web (ort-wasm)', () => {
  it('classification: the same attention, rollout and class probabilities as its tfjs layers; no tensor leaks', async () => {
    const classifier = shippedModel('pct-classification');
    loaded.push(classifier);
    const positions = sampleShape('torus', new Random(3), { points: 2000, rotation: 'up' });
    const js = await runModel(classifier, positions, { backend: 'cpu' });
    const before = tf.memory().numTensors;
    const forward = await sessions.forward(classifier, 'ort-wasm');
    const ort = await runModel(classifier, positions, { backend: 'ort-wasm', forward });
    expect(tf.memory().numTensors).toBe(before);
    expectSameRun(ort, js);
    expect(maxDifference(ort.probabilities!, js.probabilities!)).toBeLessThan(1e-4);
    // The export is made once: asking again gives the same session.
    expect(await sessions.forward(classifier, 'ort-wasm')).toBeTypeOf('function');
  });

  it('part segmentation: the same part labels and attention for a given category; a batch of every category picks one', async () => {
    const segmenter = shippedModel('spct-segmentation');
    loaded.push(segmenter);
    const { points } = samplePartCloud('mug', new Random(2), { points: 600 });
    const forward = await sessions.forward(segmenter, 'ort-wasm');
    const js = await runModel(segmenter, points, { backend: 'cpu', category: 'mug' });
    const ort = await runModel(segmenter, points, { backend: 'ort-wasm', forward, category: 'mug' });
    expectSameRun(ort, js);
    expect(ort.category).toEqual({ name: 'mug', chosen: 'given' });
    const agree = ort.partLabels!.filter((k, i) => k === js.partLabels![i]).length;
    expect(agree / js.partLabels!.length).toBeGreaterThan(0.99);
    // One graph run over every category (the export's `categories` input): the encoder ignores them.
    const auto = await runModel(segmenter, points, { backend: 'ort-wasm', forward });
    expect(auto.category!.chosen).toBe('auto');
    expect(maxDifference(auto.layers[0]!.mixing, ort.layers[0]!.mixing)).toBeLessThan(1e-6);
  });
});
