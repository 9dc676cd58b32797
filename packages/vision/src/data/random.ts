/**
 * A small seeded pseudo-random number generator (mulberry32) and the draws the shape task needs.
 * Plain JavaScript numbers, no tfjs: the same seed gives the same numbers on every platform.
 */

/** Uniform draws in [0, 1) and the derived draws the generator uses. */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number;
  /** Integer uniform in [lo, hi] (both ends included). */
  int(lo: number, hi: number): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
}

/**
 * Mixes any number of integers into one 32-bit seed (murmur3's finaliser after each step), so
 * `(seed, index)` pairs give independent streams: image 5 of seed 1 shares nothing with image 4
 * of seed 2.
 *
 * @example
 * ```ts
 * const imageSeed = mixSeeds(42, 7, 0); // seed 42, image 7, stream 0 (geometry)
 * ```
 */
export function mixSeeds(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    h = Math.imul(h ^ (part >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    h = (h + 0x6d2b79f5) >>> 0;
  }
  return h >>> 0;
}

/**
 * A seeded generator (mulberry32): deterministic, fast, 32-bit state.
 *
 * @example
 * ```ts
 * const rng = seededRandom(42);
 * const x = rng.uniform(-1, 1), k = rng.int(0, 3), z = rng.normal();
 * ```
 */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  let spareNormal: number | undefined;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    uniform: (lo, hi) => lo + (hi - lo) * next(),
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    normal: () => {
      if (spareNormal !== undefined) {
        const z = spareNormal;
        spareNormal = undefined;
        return z;
      }
      const u = 1 - next(), v = next();
      const radius = Math.sqrt(-2 * Math.log(u));
      spareNormal = radius * Math.sin(2 * Math.PI * v);
      return radius * Math.cos(2 * Math.PI * v);
    },
  };
}
