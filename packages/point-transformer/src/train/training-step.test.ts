/**
 * One PCT training step (classification and part segmentation) against PyTorch's float64 one:
 * loss, every gradient, every BatchNorm's running statistics — see test/pytorch-training-step.ts
 * for the fixture and the tolerance. @heed/webgpu runs the same check on webgpu.
 */
import { describe, expect, it } from 'vitest';
import { backendOrSkip } from '@heed/testing';
import { trainingStepVersusPyTorch } from './test/pytorch-training-step.js';

describe.each(['wasm', 'cpu'] as const)('a PCT training step equals PyTorch on %s', (backend) => {
  for (const name of ['classification', 'segmentation'] as const) {
    it(`${name}: loss, every gradient, running statistics`, async (ctx) => {
      await backendOrSkip(ctx, backend);
      const { summary, failures } = await trainingStepVersusPyTorch(name);
      console.log(summary);
      expect(failures).toEqual([]);
    });
  }
});
