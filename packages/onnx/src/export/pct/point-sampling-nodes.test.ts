import { farthestPointSampleJS, kNearestNeighboursJS } from '@heed/point-transformer';
import { seededRandom } from '@heed/testing';
import { describe, expect, it } from 'vitest';
import { OnnxGraph } from '../../graph/onnx-graph.js';
import { createOnnxSession } from '../../run/onnx-session.js';
import { coordinatePlanes, farthestPointSampleNodes, gatherPlanes, kNearestNeighbourNodes } from './point-sampling-nodes.js';

/** A graph: points [B, N, 3] → FPS centres [B, S] and their k nearest points [B, S, k]. */
function samplingGraph(numSamples: number, k: number): Uint8Array {
  const g = new OnnxGraph('sampling');
  const planes = coordinatePlanes(g, g.input('points', 'float32', ['batch', 'points', 3]));
  const centres = farthestPointSampleNodes(g, planes, numSamples);
  g.output(centres, 'int64', ['batch', numSamples], 'centres');
  g.output(kNearestNeighbourNodes(g, gatherPlanes(g, planes, centres, 'c'), planes, k), 'int64', ['batch', numSamples, k], 'neighbours');
  return g.toModel();
}

/** Clouds with duplicated points and points on a coarse grid, so distances tie exactly. */
function cloud(batch: number, n: number, seed: number): Float32Array {
  const rand = seededRandom(seed);
  const xyz = new Float32Array(batch * n * 3);
  for (let i = 0; i < xyz.length; i++) xyz[i] = i % 7 === 0 ? Math.round(rand() * 4) / 4 : rand() * 2 - 1;
  for (let b = 0; b < batch; b++) xyz.copyWithin((b * n + 5) * 3, (b * n + 2) * 3, (b * n + 3) * 3); // point 5 = point 2
  return xyz;
}

describe('FPS and kNN inside an ONNX graph', () => {
  it.for([
    { engine: 'ort-node', batch: 3, n: 101, s: 37, k: 9 },
    { engine: 'ort-node', batch: 1, n: 64, s: 64, k: 64 },
    { engine: 'ort-wasm', batch: 2, n: 77, s: 20, k: 5 },
  ] as const)('picks the same indices as the JS path ($engine, B=$batch N=$n S=$s k=$k, with ties)', async ({ engine, batch, n, s, k }) => {
    const session = await createOnnxSession(samplingGraph(s, k), { engine });
    const xyz = cloud(batch, n, 17 + n);
    const out = await session.run({ points: { data: xyz, dims: [batch, n, 3] } });
    const centres = farthestPointSampleJS(xyz, batch, n, s);
    expect(Array.from(out.centres!.data as BigInt64Array, Number)).toEqual([...centres]);
    const centreXyz = new Float32Array(batch * s * 3);
    for (let b = 0; b < batch; b++) for (let i = 0; i < s; i++) centreXyz.set(xyz.subarray((b * n + centres[b * s + i]!) * 3, (b * n + centres[b * s + i]!) * 3 + 3), (b * s + i) * 3);
    expect(Array.from(out.neighbours!.data as BigInt64Array, Number)).toEqual([...kNearestNeighboursJS(centreXyz, xyz, batch, s, n, k)]);
    await session.release();
  });

  it('one sample needs no loop: index 0 for every cloud', async () => {
    const session = await createOnnxSession(samplingGraph(1, 2), { engine: 'ort-node' });
    const out = await session.run({ points: { data: cloud(2, 9, 1), dims: [2, 9, 3] } });
    expect(Array.from(out.centres!.data as BigInt64Array, Number)).toEqual([0, 0]);
  });
});
