/**
 * Line-for-line ports of `@heed/point-transformer`'s JS sampling (squaredDistance32,
 * farthestPointSampleJS, kNearestNeighboursJS) — the reference the WGSL kernels must match
 * index-exactly. Ported rather than imported so this package's tests do not depend on the model
 * package; `point-kernels.test.ts` checks the ports against brute force on tie-heavy data.
 */

/** float32 `dx·dx + dy·dy + dz·dz`, each step rounded, point `i` of `a` minus point `j` of `b`. */
export function squaredDistance32(a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number): number {
  const f = Math.fround;
  const dx = f(a[3 * i]! - b[3 * j]!);
  const dy = f(a[3 * i + 1]! - b[3 * j + 1]!);
  const dz = f(a[3 * i + 2]! - b[3 * j + 2]!);
  return f(f(f(dx * dx) + f(dy * dy)) + f(dz * dz));
}

/** pointnet2 FPS over flat [batch, n, 3]: int32 [batch, numSamples]. */
export function farthestPointSampleRef(xyz: Float32Array, batch: number, n: number, numSamples: number): Int32Array {
  const out = new Int32Array(batch * numSamples);
  const nearest = new Float32Array(n);
  for (let b = 0; b < batch; b++) {
    const cloud = xyz.subarray(b * n * 3, (b + 1) * n * 3);
    nearest.fill(1e10);
    let last = 0;
    for (let s = 1; s < numSamples; s++) {
      let best = 0, bestDistance = -1;
      for (let i = 0; i < n; i++) {
        const d = squaredDistance32(cloud, i, cloud, last);
        if (d < nearest[i]!) nearest[i] = d;
        if (nearest[i]! > bestDistance) {
          bestDistance = nearest[i]!;
          best = i;
        }
      }
      out[b * numSamples + s] = best;
      last = best;
    }
  }
  return out;
}

/** kNN over flat [batch, s, 3] queries and [batch, n, 3] points: int32 [batch, s, k]. */
export function kNearestNeighboursRef(query: Float32Array, points: Float32Array, batch: number, s: number, n: number, k: number): Int32Array {
  const out = new Int32Array(batch * s * k);
  const bestD = new Float64Array(k), bestI = new Int32Array(k);
  for (let b = 0; b < batch; b++) {
    for (let q = 0; q < s; q++) {
      let count = 0;
      const qi = b * s + q;
      for (let i = 0; i < n; i++) {
        const d = squaredDistance32(query, qi, points, b * n + i);
        if (count === k && !(d < bestD[k - 1]!)) continue;
        let pos = count === k ? k - 1 : count++;
        while (pos > 0 && bestD[pos - 1]! > d) {
          bestD[pos] = bestD[pos - 1]!;
          bestI[pos] = bestI[pos - 1]!;
          pos--;
        }
        bestD[pos] = d;
        bestI[pos] = i;
      }
      out.set(bestI, qi * k);
    }
  }
  return out;
}
