import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BACKENDS, backendOrSkip, maxRelativeError } from '@heed/testing';
import { sinusoidalPositionalEncoding } from './positional-encoding.js';

/** float64 reference in the exp/log form of d2l.ai, independent of the implementation's pow form. */
function reference(maxLen: number, dim: number): number[][] {
  return Array.from({ length: maxLen }, (_, i) => Array.from({ length: dim }, (_, c) => {
    const j = Math.floor(c / 2);
    const angle = i * Math.exp((-2 * j * Math.log(10000)) / dim);
    return c % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
  }));
}

describe.each(BACKENDS)('sinusoidalPositionalEncoding on %s', (backend) => {
  it.for([[50, 16], [7, 5], [1, 1], [3, 2]])('matches float64 for maxLen %i, dim %i', async ([maxLen, dim], ctx) => {
    await backendOrSkip(ctx, backend);
    const p = sinusoidalPositionalEncoding(maxLen, dim);
    expect(p.shape).toEqual([maxLen, dim]);
    expect(maxRelativeError(await p.data(), reference(maxLen, dim))).toBeLessThan(1e-6);
    p.dispose();
  });

  it('starts with sin(0)=0, cos(0)=1 and has the documented first columns', async (ctx) => {
    await backendOrSkip(ctx, backend);
    const p = sinusoidalPositionalEncoding(3, 4);
    const rows = (await p.array()) as number[][];
    expect(rows[0]).toEqual([0, 1, 0, 1]);
    expect(rows[2]![0]).toBeCloseTo(Math.sin(2), 6);
    expect(rows[2]![3]).toBeCloseTo(Math.cos(2 / 100), 6); // 10000^(2/4) = 100
    p.dispose();
  });
});

it('rejects bad sizes', () => {
  expect(() => sinusoidalPositionalEncoding(4, 0)).toThrow();
  expect(() => sinusoidalPositionalEncoding(2.5, 4)).toThrow();
});
