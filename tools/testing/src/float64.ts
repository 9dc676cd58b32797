/**
 * Independent float64 reference math for golden tests: plain nested arrays and loops, no tfjs,
 * so a bug in a tfjs-based implementation cannot hide in its own reference.
 */
export type Matrix = number[][];

export function matmul(a: Matrix, b: Matrix): Matrix {
  const n = a.length, m = b[0]!.length, k = b.length;
  const out: Matrix = [];
  for (let i = 0; i < n; i++) {
    const row = new Array<number>(m).fill(0);
    for (let p = 0; p < k; p++) {
      const aip = a[i]![p]!;
      const bp = b[p]!;
      for (let j = 0; j < m; j++) row[j]! += aip * bp[j]!;
    }
    out.push(row);
  }
  return out;
}

export function transpose(a: Matrix): Matrix {
  return a[0]!.map((_, j) => a.map((row) => row[j]!));
}

/** Softmax of each row over entries where `keep` is true; an all-masked row becomes zeros. */
export function maskedSoftmaxRows(scores: Matrix, keep?: (i: number, j: number) => boolean): Matrix {
  return scores.map((row, i) => {
    const kept = row.map((_, j) => (keep ? keep(i, j) : true));
    let max = -Infinity;
    row.forEach((s, j) => { if (kept[j] && s > max) max = s; });
    if (max === -Infinity) return row.map(() => 0);
    const e = row.map((s, j) => (kept[j] ? Math.exp(s - max) : 0));
    const sum = e.reduce((x, y) => x + y, 0);
    return e.map((x) => x / sum);
  });
}

/** Deterministic pseudo-random numbers (mulberry32) so fixtures need no committed data. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A rows×cols matrix of uniform values in [lo, hi). */
export function randomMatrix(rand: () => number, rows: number, cols: number, lo = -1, hi = 1): Matrix {
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => lo + (hi - lo) * rand()));
}

/** Numbers, flat or nested to any depth. */
export type NestedNumbers = number | ArrayLike<number> | readonly NestedNumbers[];

/** Largest |a−b| / max(1, |b|) over two equally shaped nested arrays or flat arrays. */
export function maxRelativeError(actual: NestedNumbers, expected: NestedNumbers): number {
  const a = flatten(actual), e = flatten(expected);
  if (a.length !== e.length) throw new Error(`length mismatch: ${a.length} vs ${e.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const err = Math.abs(a[i]! - e[i]!) / Math.max(1, Math.abs(e[i]!));
    if (!(err <= worst)) worst = Number.isNaN(err) ? Infinity : Math.max(worst, err);
  }
  return worst;
}

function flatten(x: NestedNumbers): number[] {
  const out: number[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'number') out.push(v);
    else for (const item of Array.from(v as ArrayLike<unknown>)) walk(item);
  };
  walk(x);
  return out;
}
