/**
 * Parity with an independent PyTorch PCT (tools/fixtures/pct_reference.py): the same float32
 * weights read from a torch.save zip and from safetensors must give the PyTorch logits and
 * attention. cpu and wasm only — the full model at N = 1024 is far too slow on SwiftShader WebGPU
 * (the WebGPU path is covered by the small-shape tests).
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { backendOrSkip } from '@heed/testing';
import { attentionRow } from '../attention-maps/attention-row.js';
import { disposeAttentionMaps } from '../attention/attention-map.js';
import { farthestPointSampleJS } from '../sampling/farthest-point-sample.js';
import { loadReferenceCheckpoint } from '../weights/checkpoint.js';
import { CHECKPOINTS, checkpointBytes, referenceFixture } from './reference-fixture.js';

const fixture = referenceFixture();
const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, x, i) => Math.max(m, Math.abs(x - b[i]!)), 0);

describe('the parity fixture', () => {
  it('samples the same centres as the torch FPS', () => {
    const xyz = Float32Array.from(fixture.points.data);
    const first = farthestPointSampleJS(xyz, 1, 1024, 512);
    expect(Array.from(first)).toEqual(fixture.fps[0]);
    const centres = Float32Array.from(Array.from(first).flatMap((i) => [xyz[3 * i]!, xyz[3 * i + 1]!, xyz[3 * i + 2]!]));
    expect(Array.from(farthestPointSampleJS(centres, 1, 512, 256))).toEqual(fixture.fps[1]);
  });
});

describe.each(['cpu', 'wasm'] as const)('PCT parity with PyTorch on %s', (backend) => {
  it.for(CHECKPOINTS)('%s: logits within 2e-4, attention within 1e-4', async (file, ctx) => {
    await backendOrSkip(ctx, backend);
    const model = loadReferenceCheckpoint(checkpointBytes(file), { fileName: file });
    expect(model.config).toMatchObject({ variant: 'pct', task: 'classification', numClasses: fixture.numClasses });
    const points = tf.tensor3d(fixture.points.data, fixture.points.shape);
    const t0 = performance.now();
    const { logits, attention } = model.predict(points, { returnAttention: true });
    const got = await logits.data();
    console.log(`PCT B=1 N=1024 forward with attention on ${backend}: ${(performance.now() - t0).toFixed(0)} ms`);
    const logitError = maxAbs(got, fixture.logits);
    expect(logitError).toBeLessThanOrEqual(2e-4);

    expect(attention!.map((a) => a.name)).toEqual(fixture.attention.map((a) => a.name));
    expect(maxAbs(await attention![0]!.xyz.data(), fixture.centresXyz)).toBe(0);
    let attentionError = 0;
    for (const [l, layer] of fixture.attention.entries()) {
      const map = attention![l]!;
      const factorsOnly = { ...map, matrix: undefined };
      for (const [qi, q] of fixture.queries.entries()) {
        for (const m of [map, factorsOnly]) {
          const row = attentionRow(m, q);
          attentionError = Math.max(attentionError, maxAbs(await row.data(), layer.columns[qi]!));
          row.dispose();
        }
      }
    }
    expect(attentionError).toBeLessThanOrEqual(1e-4);
    console.log(`${file} on ${backend}: max |Δlogit| ${logitError.toExponential(2)}, max |Δattention| ${attentionError.toExponential(2)}`);
    disposeAttentionMaps(attention);
    tf.dispose([points, logits]);
    model.dispose();
  });
});
