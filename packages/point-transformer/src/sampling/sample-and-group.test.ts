import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BACKENDS, backendOrSkip, tensorsLeakedBy } from '@heed/testing';
import { sampleAndGroup } from './sample-and-group.js';
import { gatherRows } from './gather-rows.js';

describe.each(BACKENDS)('sampleAndGroup on %s', (backend) => {
  // 5 points on a line, features = [index, 10·index]. FPS(3): 0, then 4 (x=8), then 2 (x=3; min
  // distance 3 vs 1 for x=1 and 1 for x=4? no: x=4 is 4 from 0 and 4 from 8 → 2 is index of x=4).
  const xs = [0, 1, 4, 8, 3];
  const xyz = () => tf.tensor3d(xs.flatMap((x) => [x, 0, 0]), [1, 5, 3]);
  const feats = () => tf.tensor3d([xs.map((_, i) => [i, 10 * i])]);

  it('matches a hand-checked case', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const { newXyz, grouped, centres, neighbours } = sampleAndGroup(3, 2, xyz(), feats());
    // centres: index 0 (x=0); farthest is index 3 (x=8); then min-distances 1, 4, 0, 3 → index 2 (x=4).
    expect(Array.from(await centres.data())).toEqual([0, 3, 2]);
    expect(Array.from(await newXyz.data())).toEqual([0, 0, 0, 8, 0, 0, 4, 0, 0]);
    // 2-NN: of x=0 → [0 (x=0), 1 (x=1)]; of x=8 → [3, 2 (x=4)]; of x=4 → [2, 4 (x=3)].
    expect(Array.from(await neighbours.data())).toEqual([0, 1, 3, 2, 2, 4]);
    expect(grouped.shape).toEqual([1, 3, 2, 4]);
    // each row: [f_nb − f_centre, f_centre]
    expect(await grouped.array()).toEqual([[
      [[0, 0, 0, 0], [1, 10, 0, 0]],
      [[0, 0, 3, 30], [-1, -10, 3, 30]],
      [[0, 0, 2, 20], [2, 20, 2, 20]],
    ]]);
    tf.dispose([newXyz, grouped, centres, neighbours]);
  });

  it("npoint 'all' keeps every point as a centre, in order", async (ctx) => {
    await backendOrSkip(ctx, backend);
    const { newXyz, grouped, centres } = sampleAndGroup('all', 3, xyz(), feats());
    expect(Array.from(await centres.data())).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(await newXyz.data())).toEqual(Array.from(await xyz().data()));
    expect(grouped.shape).toEqual([1, 5, 3, 4]);
    tf.dispose([newXyz, grouped, centres]);
  });

  it('gatherRows is differentiable (scatter-based gradient sums repeats)', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const x = tf.tensor3d([[[1, 2], [3, 4], [5, 6]]]);
    const idx = tf.tensor2d([[2, 2, 0]], [1, 3], 'int32');
    const g = tf.grad((t: tf.Tensor) => tf.sum(gatherRows(t, idx)))(x);
    expect(await g.array()).toEqual([[[1, 1], [0, 0], [2, 2]]]);
    tf.dispose([x, idx, g]);
  });

  it('does not leak tensors and rejects mismatched features', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const [p, f] = [xyz(), feats()];
    expect(await tensorsLeakedBy(() => tf.dispose(Object.values(sampleAndGroup(2, 2, p, f))))).toBe(0);
    expect(() => sampleAndGroup(2, 2, p, tf.zeros([1, 4, 2]) as tf.Tensor3D)).toThrow(/points must be \[1, 5, D\]/);
    tf.dispose([p, f]);
  });
});
