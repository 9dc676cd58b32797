import { type Mat3, type Vec3, rotationAboutAxis } from './mat3.js';

/**
 * Seeded pseudo-random numbers (mulberry32: 32-bit state, period 2³², passes PractRand to a few GB)
 * with the distributions the procedural datasets need. Plain TypeScript with no Node or DOM APIs,
 * so it runs in Web Workers; the same seed gives the same sequence on every run of one JS engine.
 *
 * Streams that must not depend on each other (one per generated cloud, say) should each get their
 * own `Random` seeded through {@link mixSeed}, not share one: cloud i then stays the same whichever
 * other clouds are generated, and in whichever order.
 *
 * @example
 * ```ts
 * const rng = new Random(42);
 * rng.uniform(-1, 1); // a number in [-1, 1)
 * rng.normal();       // standard normal
 * rng.int(10);        // an integer in 0..9
 * ```
 */
export class Random {
  private state: number;
  /** Box–Muller makes normals in pairs; the second waits here for the next call. */
  private spare: number | undefined;

  /** @param seed any number; it is taken modulo 2³² (fold larger seeds in with {@link mixSeed}). */
  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /**
   * A uniform number in [0, 1) with 32 random bits.
   *
   * @example
   * ```ts
   * new Random(1).next(); // same value on every run
   * ```
   */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /**
   * A uniform unsigned 32-bit integer.
   *
   * @example
   * ```ts
   * const childSeed = rng.nextUint32();
   * ```
   */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /**
   * A uniform number in [lo, hi).
   *
   * @example
   * ```ts
   * const sx = rng.uniform(2 / 3, 3 / 2);
   * ```
   */
  uniform(lo = 0, hi = 1): number {
    return lo + (hi - lo) * this.next();
  }

  /**
   * A normal (Gaussian) number by the Box–Muller transform.
   *
   * @example
   * ```ts
   * const jitter = rng.normal(0, 0.01);
   * ```
   */
  normal(mean = 0, std = 1): number {
    if (this.spare !== undefined) {
      const z = this.spare;
      this.spare = undefined;
      return mean + std * z;
    }
    // 1 − next() lies in (0, 1], so the logarithm is finite.
    const r = Math.sqrt(-2 * Math.log(1 - this.next()));
    const angle = 2 * Math.PI * this.next();
    this.spare = r * Math.sin(angle);
    return mean + std * r * Math.cos(angle);
  }

  /**
   * A uniform integer in [0, n) or, given two arguments, in [lo, hi).
   *
   * @example
   * ```ts
   * rng.int(6);     // 0..5
   * rng.int(1, 7);  // 1..6
   * ```
   */
  int(loOrN: number, hi?: number): number {
    const lo = hi === undefined ? 0 : loOrN;
    const end = hi === undefined ? loOrN : hi;
    if (!(end > lo)) throw new Error(`Random.int: empty range [${lo}, ${end})`);
    return lo + Math.floor(this.next() * (end - lo));
  }

  /**
   * Shuffles `items` in place (Fisher–Yates) and returns it.
   *
   * @example
   * ```ts
   * rng.shuffle([0, 1, 2, 3]); // e.g. [2, 0, 3, 1]
   * ```
   */
  shuffle<A extends ArrayLike<unknown>>(items: A): A {
    const a = items as unknown as unknown[]; // arrays and typed arrays alike: writable by index
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return items;
  }

  /**
   * A direction uniformly distributed on the unit sphere (a normalised Gaussian vector, which,
   * unlike uniform angles, does not cluster at the poles).
   *
   * @example
   * ```ts
   * const [x, y, z] = rng.unitVector(); // x² + y² + z² = 1
   * ```
   */
  unitVector(): Vec3 {
    for (;;) {
      const x = this.normal(), y = this.normal(), z = this.normal();
      const length = Math.hypot(x, y, z);
      if (length > 1e-9) return [x / length, y / length, z / length];
    }
  }

  /**
   * A rotation drawn uniformly (Haar measure) from SO(3), from a normalised Gaussian quaternion.
   *
   * @returns row-major 3×3 matrix.
   * @example
   * ```ts
   * const m = rng.rotation(); // apply with transformPoints(xyz, m)
   * ```
   */
  rotation(): Mat3 {
    let w = 0, x = 0, y = 0, z = 0, length = 0;
    while (length < 1e-9) {
      w = this.normal(); x = this.normal(); y = this.normal(); z = this.normal();
      length = Math.hypot(w, x, y, z);
    }
    w /= length; x /= length; y /= length; z /= length;
    return Float64Array.of(
      1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
      2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
      2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y),
    );
  }

  /**
   * A rotation about the up axis (+y) by an angle uniform in [0, 2π).
   *
   * @example
   * ```ts
   * const m = rng.rotationAboutUp(); // leaves y unchanged
   * ```
   */
  rotationAboutUp(): Mat3 {
    return rotationAboutAxis('y', this.uniform(0, 2 * Math.PI));
  }

  /**
   * A new generator seeded from this one: an independent stream for a sub-task.
   *
   * @example
   * ```ts
   * const child = rng.fork();
   * ```
   */
  fork(): Random {
    return new Random(mixSeed(this.nextUint32()));
  }
}

/**
 * Hashes any number of integers (each a safe integer, negative allowed) into one well-mixed 32-bit
 * seed, so that nearby inputs (seed 1 cloud 7, seed 1 cloud 8, seed 2 cloud 7) give unrelated
 * streams. Uses murmur3's 32-bit finaliser on both 32-bit halves of each input.
 *
 * @example
 * ```ts
 * const rng = new Random(mixSeed(datasetSeed, cloudIndex));
 * ```
 */
export function mixSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    if (!Number.isSafeInteger(part)) throw new Error(`mixSeed: expected safe integers, got ${part}`);
    h = fmix32(h ^ (part >>> 0));
    h = fmix32(h ^ (Math.floor(part / 4294967296) >>> 0) ^ 0x85ebca6b);
  }
  return h;
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * `source` as a {@link Random}: a number is hashed with {@link mixSeed} into a seed, a `Random` is
 * used as is (and advanced).
 *
 * @example
 * ```ts
 * const rng = toRandom(options.seed ?? 0);
 * ```
 */
export function toRandom(source: Random | number): Random {
  return typeof source === 'number' ? new Random(mixSeed(source)) : source;
}
