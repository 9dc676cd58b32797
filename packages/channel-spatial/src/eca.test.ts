import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BACKENDS, backendOrSkip, maxRelativeError, tensorsLeakedBy } from '@heed/testing';
import { eca, ecaKernelSize } from './index.js';
import { ecaFixture, tensorOf } from './test/fixtures.js';

describe('ecaKernelSize', () => {
  it('agrees with the reference rule as computed by Python for C from 1 to 2³¹', () => {
    const { kernelSizes } = ecaFixture();
    expect(kernelSizes.length).toBeGreaterThan(20);
    for (const { channels, kernelSize } of kernelSizes) expect(ecaKernelSize(channels), `C = ${channels}`).toBe(kernelSize);
  });

  it('is the nearest odd of |log2(C)/γ + b/γ| (rounding down to odd), for every C up to 4096 and other γ, b', () => {
    // Independent float64 statement of the rule: the largest integer t ≤ (log2 C + b)/γ, made odd by +1.
    const rule = (c: number, gamma: number, b: number) => {
      let t = 0;
      while (t + 1 <= Math.abs((Math.log(c) / Math.LN2 + b) / gamma) + 1e-12) t++;
      return t % 2 ? t : t + 1;
    };
    for (const [gamma, b] of [[2, 1], [1, 0], [3, 2]] as const) {
      for (let c = 1; c <= 4096; c++) expect(ecaKernelSize(c, gamma, b), `C = ${c}, γ = ${gamma}, b = ${b}`).toBe(rule(c, gamma, b));
    }
    expect([16, 64, 128, 256, 512, 1024, 2048].map((c) => ecaKernelSize(c))).toEqual([3, 3, 5, 5, 5, 5, 7]);
  });
});

describe.each(BACKENDS)('eca on %s', (backend) => {
  it('matches PyTorch (ECANet eca_layer) for images (k = 3, 5) and points', async (ctx) => {
    await backendOrSkip(ctx, backend);
    for (const c of ecaFixture().cases) {
      const x = tensorOf(c.inputs.x);
      const kernel = tensorOf<tf.Tensor1D>(c.weights.kernel);
      expect(kernel.shape[0], c.name).toBe(ecaKernelSize(x.shape[x.rank - 1]!));
      const { output, channelWeights } = eca(x, { kernel });
      expect(maxRelativeError(await output.data(), c.expected.output.data), c.name).toBeLessThan(1e-5);
      expect(maxRelativeError(await channelWeights.data(), c.expected.channelWeights.data), c.name).toBeLessThan(1e-5);
      tf.dispose([x, kernel, output, channelWeights]);
    }
  });

  it('does not leak tensors', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const c = ecaFixture().cases[0]!;
    const x = tensorOf(c.inputs.x);
    const kernel = tensorOf<tf.Tensor1D>(c.weights.kernel);
    const leaked = await tensorsLeakedBy(() => tf.dispose(Object.values(eca(x, { kernel }))));
    expect(leaked).toBe(0);
    tf.dispose([x, kernel]);
  });
});
