/**
 * The index of the point of `points` (flat xyz, [n·3]) nearest to (x, y, z) by squared Euclidean
 * distance in float64; ties go to the lowest index.
 *
 * @example
 * ```ts
 * nearestPoint(new Float32Array([0, 0, 0, 1, 0, 0]), 0.9, 0, 0); // 1
 * ```
 */
export function nearestPoint(points: ArrayLike<number>, x: number, y: number, z: number): number {
  const n = Math.floor(points.length / 3);
  if (n === 0) throw new Error('nearestPoint: no points');
  let best = 0, bestD = Infinity;
  for (let i = 0; i < n; i++) {
    const dx = points[3 * i]! - x, dy = points[3 * i + 1]! - y, dz = points[3 * i + 2]! - z;
    const d = dx * dx + dy * dy + dz * dz;
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  }
  return best;
}

/**
 * Carries per-point values from `sources` (flat xyz [m·3], one value each) to `targets` (flat xyz
 * [n·3]): each target takes the value of its nearest source point ({@link nearestPoint}). Used to
 * colour a whole input cloud by the attention weights of a layer's (fewer) points.
 * Brute force, O(n·m): about 0.3 s for 10⁶ targets and 256 sources.
 *
 * @example
 * ```ts
 * const perInputPoint = transferNearest(input.positions, layerXyz, weights); // Float32Array [n]
 * ```
 */
export function transferNearest(targets: ArrayLike<number>, sources: ArrayLike<number>, values: ArrayLike<number>): Float32Array {
  const m = Math.floor(sources.length / 3);
  if (values.length !== m) throw new Error(`transferNearest: ${m} source points but ${values.length} values`);
  const n = Math.floor(targets.length / 3);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = values[nearestPoint(sources, targets[3 * i]!, targets[3 * i + 1]!, targets[3 * i + 2]!)]!;
  return out;
}
