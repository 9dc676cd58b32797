/** The float64 reference used for gradient checks reproduces the PyTorch fixtures. */
import { describe, expect, it } from 'vitest';
import { maxRelativeError } from '@heed/testing';
import { type StoredMlp, cbamImageFixture, cbamPointsFixture, ecaFixture, seFixture } from './test/fixtures.js';
import { type Map64, cbam64, eca64, se64 } from './test/reference64.js';

const map64 = ({ data, shape }: { data: number[]; shape: number[] }): Map64 =>
  ({ data, b: shape[0]!, p: shape.slice(1, -1).reduce((a, b) => a * b, 1), c: shape[shape.length - 1]! });
const mlp64 = (w: StoredMlp) => ({ w1: w.w1.data, w2: w.w2.data, ...(w.b1 ? { b1: w.b1.data } : {}), ...(w.b2 ? { b2: w.b2.data } : {}) });

describe('float64 reference', () => {
  it('reproduces SE and ECA fixtures to 1e-8', () => {
    for (const c of seFixture()) {
      const r = se64(map64(c.inputs.x), mlp64(c.weights));
      expect(maxRelativeError(r.output, c.expected.output.data), c.name).toBeLessThan(1e-8);
    }
    for (const c of ecaFixture().cases) {
      const r = eca64(map64(c.inputs.x), c.weights.kernel.data);
      expect(maxRelativeError(r.output, c.expected.output.data), c.name).toBeLessThan(1e-8);
    }
  });

  it('reproduces CBAM fixtures (images, points; inference and training) to 1e-8', () => {
    for (const c of [...cbamImageFixture(), ...cbamPointsFixture()]) {
      const s = c.weights.spatial;
      const spatial = s && {
        kernel: s.kernel.data,
        ...(s.bias ? { bias: s.bias.data[0]! } : {}),
        ...(s.batchNorm ? { bn: {
          gamma: s.batchNorm.gamma.data[0]!, beta: s.batchNorm.beta.data[0]!,
          movingMean: s.batchNorm.movingMean.data[0]!, movingVariance: s.batchNorm.movingVariance.data[0]!,
        } } : {}),
      };
      const shape = c.inputs.x.shape;
      const where = c.inputs.neighbours ? { neighbours: c.inputs.neighbours.data } : { hw: [shape[1]!, shape[2]!] as [number, number] };
      for (const training of [false, true]) {
        const expected = training ? c.expected.training : c.expected;
        if (!expected) continue;
        const r = cbam64(map64(c.inputs.x), mlp64(c.weights.channel), spatial, { ...where, training });
        expect(maxRelativeError(r.output, expected.output.data), `${c.name} training=${training}`).toBeLessThan(1e-8);
        if (expected.spatialMap) expect(maxRelativeError(r.spatialMap, expected.spatialMap.data)).toBeLessThan(1e-8);
      }
    }
  });
});
