import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rangePosition } from '../color/value-colors.js';
import { handleValueAt, histogramBins, moveHandle } from './histogram.js';
import { formatValue } from './legend.js';

const sum = (a: Uint32Array) => a.reduce((s, v) => s + v, 0);

describe('histogramBins', () => {
  it('puts linear values in bins closed on the left, the last bin closed on both sides', () => {
    // Edges 0, 2, 4, 6, 8, 10.
    const counts = histogramBins([0, 1.9, 2, 3.99, 4, 5, 6, 7.5, 8, 9.99, 10], 0, 10, 5, 'linear');
    expect(Array.from(counts)).toEqual([2, 2, 2, 2, 3]);
  });

  it('clamps values outside [lo, hi] to the end bins and skips NaN', () => {
    const counts = histogramBins([-5, -0.1, NaN, 3, 10.5, 1e9, NaN], 0, 10, 5, 'linear');
    expect(Array.from(counts)).toEqual([2, 1, 0, 0, 2]);
  });

  it('bins in equal log steps, values ≤ 0 in the first bin', () => {
    // Edges 1, 2, 4, 8, 16.
    const counts = histogramBins([0, -3, 0.5, 1, 1.5, 2, 3, 4, 7.9, 8, 16, 100], 1, 16, 4, 'log');
    expect(Array.from(counts)).toEqual([5, 2, 2, 3]);
  });

  it('bins decades equally on a log scale', () => {
    const counts = histogramBins([1.5e-4, 5e-4, 2e-3, 5e-3, 0.05, 0.09], 1e-4, 0.1, 3, 'log');
    expect(Array.from(counts)).toEqual([2, 2, 2]);
  });

  it('splits a single-valued extent as rangePosition does (only values above it go last)', () => {
    expect(Array.from(histogramBins([1, 1, 0.5, 2], 1, 1, 3, 'linear'))).toEqual([3, 0, 1]);
  });

  it('refuses a bin count that is not a positive integer', () => {
    expect(() => histogramBins([1], 0, 1, 0, 'linear')).toThrow(RangeError);
    expect(() => histogramBins([1], 0, 1, 2.5, 'linear')).toThrow(RangeError);
  });

  it('counts every non-NaN value exactly once', () => {
    const value = fc.oneof(fc.double({ min: -1e3, max: 1e3 }), fc.constant(NaN), fc.constant(0));
    fc.assert(fc.property(
      fc.array(value, { maxLength: 200 }), fc.double({ min: -10, max: 10, noNaN: true }), fc.double({ min: 0, max: 100, noNaN: true }),
      fc.integer({ min: 1, max: 70 }), fc.constantFrom('linear' as const, 'log' as const),
      (values, lo, span, bins, scale) => {
        const counts = histogramBins(values, lo, lo + span, bins, scale);
        expect(counts.length).toBe(bins);
        expect(sum(counts)).toBe(values.filter((v) => !Number.isNaN(v)).length);
      },
    ), { numRuns: 300 });
  });
});

describe('handleValueAt', () => {
  it('maps the plot ends to the data extent and clamps beyond them', () => {
    const data = { min: 0.001, max: 0.1 };
    expect(handleValueAt(0, 200, data, 'linear')).toBe(0.001);
    expect(handleValueAt(-30, 200, data, 'linear')).toBe(0.001);
    expect(handleValueAt(250, 200, data, 'linear')).toBeCloseTo(0.1, 12);
    expect(handleValueAt(100, 200, data, 'log')).toBeCloseTo(0.01, 12);
    expect(handleValueAt(100, 200, data, 'linear')).toBeCloseTo(0.0505, 12);
  });

  it('is the inverse of rangePosition on both scales', () => {
    fc.assert(fc.property(
      fc.double({ min: 1e-6, max: 10, noNaN: true }), fc.double({ min: 1.01, max: 1e4, noNaN: true }),
      fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom('linear' as const, 'log' as const),
      (min, factor, t, scale) => {
        const data = { min, max: min * factor }, width = 244;
        const v = handleValueAt(t * width, width, data, scale);
        expect(rangePosition(v, { ...data, scale })).toBeCloseTo(t, 9);
      },
    ), { numRuns: 300 });
  });
});

describe('moveHandle', () => {
  const data = { min: 0, max: 1 };

  it('moves one handle and leaves the other alone', () => {
    expect(moveHandle('min', 0.1, { min: 0, max: 0.5, scale: 'linear' }, data)).toEqual({ min: 0.1, max: 0.5 });
    expect(moveHandle('max', 0.8, { min: 0.2, max: 0.5, scale: 'linear' }, data)).toEqual({ min: 0.2, max: 0.8 });
  });

  it('stops a handle short of the other', () => {
    const moved = moveHandle('min', 0.9, { min: 0, max: 0.5, scale: 'linear' }, data)!;
    expect(moved.max).toBe(0.5);
    expect(moved.min).toBeCloseTo(0.499, 12);
  });

  it('has nothing to move over a single-valued extent', () => {
    expect(moveHandle('min', 1, { min: 0, max: 2, scale: 'linear' }, { min: 1, max: 1 })).toBeNull();
  });

  it('always yields min < max', () => {
    const v = fc.double({ min: -5, max: 5, noNaN: true });
    fc.assert(fc.property(
      fc.constantFrom('min' as const, 'max' as const), v, v, v, v, fc.double({ min: 0.01, max: 10, noNaN: true }),
      fc.constantFrom('linear' as const, 'log' as const),
      (handle, value, a, b, lo, span, scale) => {
        const moved = moveHandle(handle, value, { min: a, max: b, scale }, { min: lo, max: lo + span });
        if (moved) expect(moved.min).toBeLessThan(moved.max);
      },
    ), { numRuns: 500 });
  });
});

describe('formatValue', () => {
  it('prints three significant digits, exponential for tiny non-zero values', () => {
    expect(formatValue(0.0123456)).toBe('0.0123');
    expect(formatValue(0.001)).toBe('0.00100');
    expect(formatValue(0.00004567)).toBe('4.57e-5');
    expect(formatValue(-0.0005)).toBe('-5.00e-4');
    expect(formatValue(0)).toBe('0.00');
    expect(formatValue(3.14159)).toBe('3.14');
  });
});
