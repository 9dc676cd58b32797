import { describe, expect, it } from 'vitest';
import { learningRateSchedule } from './schedule.js';

describe('learningRateSchedule', () => {
  it('warms up linearly, then decays by a cosine to finalFraction', () => {
    const lr = learningRateSchedule({ kind: 'cosine', learningRate: 1, totalSteps: 101, warmupSteps: 10 });
    expect(lr(0)).toBeCloseTo(0.1);
    expect(lr(9)).toBeCloseTo(1);
    expect(lr(10)).toBeCloseTo(1);
    expect(lr(55)).toBeCloseTo(0.01 + 0.99 * 0.5, 6);
    expect(lr(100)).toBeCloseTo(0.01);
  });

  it('steps down by gamma at the milestones', () => {
    const lr = learningRateSchedule({ kind: 'step', learningRate: 1, totalSteps: 100, milestones: [0.5, 0.8], gamma: 0.5 });
    expect([lr(0), lr(49), lr(50), lr(79), lr(80), lr(99)]).toEqual([1, 1, 0.5, 0.5, 0.25, 0.25]);
  });
});
