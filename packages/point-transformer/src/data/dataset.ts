import { Random, mixSeed } from './random.js';

/**
 * The labels of a generated set and the generator of each of its clouds.
 *
 * @example
 * ```ts
 * const { labels, rngFor }: LabelledLayout = labelledLayout(10, 5, 1, 0x5e6);
 * ```
 */
export interface LabelledLayout {
  /** [count] labels cycling through the classes (balanced to within one), shuffled. */
  labels: Int32Array;
  /** A fresh generator for cloud i, seeded by (seed, stream, i) alone. */
  rngFor(index: number): Random;
}

/**
 * The layout every generated set shares: `count` labels, balanced over `classCount` classes and
 * shuffled, and one generator per cloud. Because cloud i's generator depends only on (seed,
 * stream, i), cloud i is the same whichever others are made, and another seed gives an unrelated
 * (held-out) set; `stream` keeps different kinds of set apart under one seed.
 *
 * @example
 * ```ts
 * const { labels, rngFor } = labelledLayout(100, 10, 7, 0x5ea9e);
 * labels.forEach((label, i) => makeCloud(label, rngFor(i)));
 * ```
 */
export function labelledLayout(count: number, classCount: number, seed: number, stream: number): LabelledLayout {
  if (!(Number.isInteger(count) && count >= 0)) throw new Error(`count must be an integer ≥ 0, got ${count}`);
  if (!Number.isSafeInteger(seed)) throw new Error(`seed must be an integer, got ${seed}`);
  if (!(classCount > 0)) throw new Error('no classes to generate');
  const labels = Int32Array.from({ length: count }, (_, i) => i % classCount);
  new Random(mixSeed(seed, stream, -1)).shuffle(labels);
  return { labels, rngFor: (index) => new Random(mixSeed(seed, stream, index)) };
}
