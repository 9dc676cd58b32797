import { expect } from 'vitest';

/** Index of the first element where two arrays differ (-1 when equal), compared with Object.is. */
export function firstDifference(a: ArrayLike<number> | undefined, b: ArrayLike<number> | undefined): number {
  if (a === undefined || b === undefined) return a === b ? -1 : 0;
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

/** Fast exact equality for large typed arrays (vitest's deep equality is slow on millions of elements). */
export function expectSameArray(a: ArrayLike<number> | undefined, b: ArrayLike<number> | undefined, what = 'arrays'): void {
  const i = firstDifference(a, b);
  expect(i, `${what} differ at index ${i}: ${a?.[i]} vs ${b?.[i]}`).toBe(-1);
}
