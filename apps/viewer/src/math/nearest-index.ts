/**
 * For every point of `targets` (flat xyz), the index of its nearest point of `sources` (flat xyz)
 * by squared Euclidean distance; ties go to the lowest source index, as in
 * `@heed/point-transformer`'s `nearestPoint`. A k-d tree over the (few) sources makes a
 * million targets against 256 sources take tens of milliseconds instead of the brute force's
 * ~0.3 s — this index is computed once per model run and reused by every recolouring.
 *
 * @example
 * ```ts
 * nearestIndex(new Float32Array([0.9, 0, 0]), new Float32Array([0, 0, 0, 1, 0, 0])); // Uint32Array [1]
 * ```
 */
export function nearestIndex(targets: ArrayLike<number>, sources: ArrayLike<number>): Uint32Array {
  const m = Math.floor(sources.length / 3);
  const n = Math.floor(targets.length / 3);
  if (m === 0) throw new RangeError('nearestIndex: no source points');
  const tree = buildTree(sources, m);
  const out = new Uint32Array(n);
  const search: Search = { x: 0, y: 0, z: 0, best: 0, bestD: Infinity };
  for (let i = 0; i < n; i++) {
    search.x = targets[3 * i]!;
    search.y = targets[3 * i + 1]!;
    search.z = targets[3 * i + 2]!;
    search.best = -1;
    search.bestD = Infinity;
    descend(tree, sources, 0, m, search);
    out[i] = search.best;
  }
  return out;
}

interface Search {
  x: number;
  y: number;
  z: number;
  best: number;
  bestD: number;
}

interface Tree {
  /** Source indices, arranged so that [lo, hi) is a subtree whose median sits at (lo + hi) >> 1. */
  order: Uint32Array;
  /** Split axis of the node whose median is at each position. */
  axis: Uint8Array;
}

function buildTree(sources: ArrayLike<number>, m: number): Tree {
  const order = new Uint32Array(m);
  for (let i = 0; i < m; i++) order[i] = i;
  const axis = new Uint8Array(m);
  const build = (lo: number, hi: number): void => {
    if (hi - lo <= 1) return;
    // Split along the widest extent of this subtree.
    const min = [Infinity, Infinity, Infinity];
    const max = [-Infinity, -Infinity, -Infinity];
    for (let i = lo; i < hi; i++) {
      for (let a = 0; a < 3; a++) {
        const v = sources[3 * order[i]! + a]!;
        if (v < min[a]!) min[a] = v;
        if (v > max[a]!) max[a] = v;
      }
    }
    const spread = [max[0]! - min[0]!, max[1]! - min[1]!, max[2]! - min[2]!];
    const a = spread[0]! >= spread[1]! && spread[0]! >= spread[2]! ? 0 : spread[1]! >= spread[2]! ? 1 : 2;
    const mid = (lo + hi) >> 1;
    // The subtrees are small (hundreds to a few thousand points): a sort is simple and fast enough.
    const slice = Array.from(order.subarray(lo, hi)).sort((p, q) => sources[3 * p + a]! - sources[3 * q + a]! || p - q);
    order.set(slice, lo);
    axis[mid] = a;
    build(lo, mid);
    build(mid + 1, hi);
  };
  build(0, m);
  return { order, axis };
}

function consider(sources: ArrayLike<number>, index: number, s: Search): void {
  const dx = sources[3 * index]! - s.x;
  const dy = sources[3 * index + 1]! - s.y;
  const dz = sources[3 * index + 2]! - s.z;
  const d = dx * dx + dy * dy + dz * dz;
  if (d < s.bestD || (d === s.bestD && index < s.best)) {
    s.bestD = d;
    s.best = index;
  }
}

function descend(tree: Tree, sources: ArrayLike<number>, lo: number, hi: number, s: Search): void {
  if (hi <= lo) return;
  const mid = (lo + hi) >> 1;
  const index = tree.order[mid]!;
  consider(sources, index, s);
  if (hi - lo === 1) return;
  const a = tree.axis[mid]!;
  const delta = (a === 0 ? s.x : a === 1 ? s.y : s.z) - sources[3 * index + a]!;
  const [near, far] = delta < 0 ? [[lo, mid], [mid + 1, hi]] as const : [[mid + 1, hi], [lo, mid]] as const;
  descend(tree, sources, near[0], near[1], s);
  // <= keeps equal-distance points on the far side in play, so ties still go to the lowest index.
  if (delta * delta <= s.bestD) descend(tree, sources, far[0], far[1], s);
}
