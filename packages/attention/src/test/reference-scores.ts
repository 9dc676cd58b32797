/**
 * float64 reference scoring functions for one [Tq, dq] × [Tk, dk] slice, written as plain loops
 * straight from the formulas (weights act on row vectors: "W x" = Σₐ x[a] W[a][·]).
 */
import type { Matrix } from '@heed/testing';

export type Act = 'tanh' | 'relu' | 'identity';

export const act = (x: number, a: Act): number => (a === 'tanh' ? Math.tanh(x) : a === 'relu' ? Math.max(x, 0) : x);

const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);

/** x · W for a row vector x and W [d, h]. */
export function rowTimes(x: number[], w: Matrix): number[] {
  const out = new Array<number>(w[0]!.length).fill(0);
  for (let a = 0; a < x.length; a++) for (let c = 0; c < out.length; c++) out[c]! += x[a]! * w[a]![c]!;
  return out;
}

export const refDot = (q: Matrix, k: Matrix, scale = 1): Matrix => q.map((qi) => k.map((kj) => dot(qi, kj) * scale));

/** Σ_h v[h] act(q·W2 + k·W1 + b)[h]; additive = tanh with no bias. */
export function refConcat(q: Matrix, k: Matrix, w1: Matrix, w2: Matrix, v: number[], b: number[] | undefined, a: Act): Matrix {
  return q.map((qi) => {
    const qh = rowTimes(qi, w2);
    return k.map((kj) => {
      const kh = rowTimes(kj, w1);
      let s = 0;
      for (let h = 0; h < v.length; h++) s += v[h]! * act(qh[h]! + kh[h]! + (b ? b[h]! : 0), a);
      return s;
    });
  });
}

export const refAdditive = (q: Matrix, k: Matrix, wq: Matrix, wk: Matrix, wv: number[]): Matrix =>
  refConcat(q, k, wk, wq, wv, undefined, 'tanh');

export const refBilinear = (q: Matrix, k: Matrix, w: Matrix): Matrix => q.map((qi) => k.map((kj) => dot(rowTimes(qi, w), kj)));

/** act(w·k_j + b) per key: [Tk]. */
export const refLocation = (k: Matrix, w: number[], b: number, a: Act): number[] => k.map((kj) => act(dot(w, kj) + b, a));

export function refCosine(q: Matrix, k: Matrix, eps = 1e-8): Matrix {
  const norm = (x: number[]) => Math.max(Math.sqrt(dot(x, x)), eps);
  return q.map((qi) => k.map((kj) => dot(qi, kj) / (norm(qi) * norm(kj))));
}

/** Splits a flat row-major array into `slices` matrices of rows×cols. */
export function slicesOf(flat: number[], slices: number, rows: number, cols: number): Matrix[] {
  return Array.from({ length: slices }, (_, s) =>
    Array.from({ length: rows }, (_, i) => flat.slice((s * rows + i) * cols, (s * rows + i + 1) * cols)));
}

/** A flat array of n uniform values in [lo, hi). */
export const randomFlat = (rand: () => number, n: number, lo = -1, hi = 1): number[] =>
  Array.from({ length: n }, () => lo + (hi - lo) * rand());
