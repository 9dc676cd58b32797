import type { OnnxGraph } from '../../graph/onnx-graph.js';

/** A point set inside a graph as three coordinate planes, each float32 [B, N]. */
export interface CoordinatePlanes {
  x: string;
  y: string;
  z: string;
}

/** Splits `xyz` [B, N, 3] into its coordinate planes [B, N]. */
export function coordinatePlanes(g: OnnxGraph, xyz: string): CoordinatePlanes {
  const [x, y, z] = g.nodeN('Split', [xyz, g.int64s([1, 1, 1])], 3, { axis: 2 }, ['xyz.x3', 'xyz.y3', 'xyz.z3']);
  const squeeze = (plane: string, hint: string) => g.node('Squeeze', [plane, g.int64s([2])], {}, hint);
  return { x: squeeze(x!, 'xyz.x'), y: squeeze(y!, 'xyz.y'), z: squeeze(z!, 'xyz.z') };
}

/** The planes of the points at `indices` (int64 [B, S]): each [B, S]. */
export function gatherPlanes(g: OnnxGraph, planes: CoordinatePlanes, indices: string, hint: string): CoordinatePlanes {
  const pick = (plane: string, axis: string) => g.node('GatherElements', [plane, indices], { axis: 1 }, `${hint}.${axis}`);
  return { x: pick(planes.x, 'x'), y: pick(planes.y, 'y'), z: pick(planes.z, 'z') };
}

/**
 * Squared distances of broadcast coordinate planes, in the float32 order of Heed's
 * `squaredDistance32`: ((dx² + dy²) + dz²) — so FPS and kNN pick the same indices as the JS path.
 */
function squaredDistance(g: OnnxGraph, a: CoordinatePlanes, b: CoordinatePlanes, hint: string): string {
  const sq = (p: 'x' | 'y' | 'z') => {
    const d = g.node('Sub', [a[p], b[p]], {}, `${hint}.d${p}`);
    return g.node('Mul', [d, d], {}, `${hint}.d${p}2`);
  };
  return g.node('Add', [g.node('Add', [sq('x'), sq('y')]), sq('z')], {}, hint);
}

/** int64 zeros of shape [B, ...rest], B read from `like` (any tensor with batch first). */
function batchZeros(g: OnnxGraph, like: string, rest: number[], hint: string): string {
  const batch = g.node('Slice', [g.node('Shape', [like]), g.int64s([0]), g.int64s([1])], {}, `${hint}.batch`);
  const shape = rest.length ? g.node('Concat', [batch, g.int64s(rest)], { axis: 0 }) : batch;
  return g.node('ConstantOfShape', [shape], { value: { tensor: { data: new BigInt64Array([0n]), dims: [1] } } }, hint);
}

/**
 * Farthest point sampling inside the graph, as Heed's `farthestPointSampleJS`: the first centre is
 * index 0, each next one the point farthest from the centres so far (ArgMax: first maximum on
 * ties). An ONNX `Loop` of S − 1 steps carrying the running nearest distances [B, N].
 *
 * @returns int64 [B, S] indices.
 * @example
 * ```ts
 * const planes = coordinatePlanes(g, points);
 * const centres = farthestPointSampleNodes(g, planes, 512); // int64 [B, 512]
 * ```
 */
export function farthestPointSampleNodes(g: OnnxGraph, planes: CoordinatePlanes, numSamples: number): string {
  if (!Number.isInteger(numSamples) || numSamples < 1) throw new Error(`farthestPointSample: numSamples must be a positive integer, got ${numSamples}`);
  const first = batchZeros(g, planes.x, [1], 'fps.first');
  if (numSamples === 1) return first;
  const body = g.subgraph('fps_step');
  body.input('fps.iteration', 'int64', []);
  const condIn = body.input('fps.cond_in', 'bool', []);
  const nearestIn = body.input('fps.nearest_in', 'float32', undefined);
  const lastIn = body.input('fps.last_in', 'int64', undefined);
  const last = body.node('Unsqueeze', [lastIn, body.int64s([1])], {}, 'fps.last2d'); // [B, 1]
  const centre = gatherPlanes(body, planes, last, 'fps.centre');
  const distance = squaredDistance(body, planes, centre, 'fps.distance');
  const nearest = body.node('Min', [nearestIn, distance], {}, 'fps.nearest');
  const next = body.node('ArgMax', [nearest], { axis: 1, keepdims: 0, select_last_index: 0 }, 'fps.next');
  body.output(body.node('Identity', [condIn], {}, 'fps.cond_out'), 'bool', []);
  body.output(nearest, 'float32', undefined);
  body.output(next, 'int64', undefined);
  body.output(body.node('Identity', [next], {}, 'fps.picked'), 'int64', undefined);

  const far = g.node('Expand', [g.scalar(1e10, 'fps.far'), g.node('Shape', [planes.x])], {}, 'fps.nearest0');
  const [, , picked] = g.nodeN('Loop', [g.int64s([numSamples - 1], 'fps.trips'), '', far, batchZeros(g, planes.x, [], 'fps.last0')], 3,
    { body }, ['fps.nearest_final', 'fps.last_final', 'fps.picked_all']);
  const rest = g.node('Transpose', [picked!], { perm: [1, 0] }, 'fps.rest'); // [S − 1, B] → [B, S − 1]
  return g.node('Concat', [first, rest], { axis: 1 }, 'fps.centres');
}

/**
 * The `k` nearest of the points `planes` ([B, N] each) to every query ([B, S] each), ascending,
 * equal distances → lower index first (`TopK`, smallest, sorted), as `kNearestNeighboursJS`.
 *
 * @returns int64 [B, S, k] indices.
 * @example
 * ```ts
 * const neighbours = kNearestNeighbourNodes(g, gatherPlanes(g, planes, centres, 'c'), planes, 32);
 * ```
 */
export function kNearestNeighbourNodes(g: OnnxGraph, query: CoordinatePlanes, planes: CoordinatePlanes, k: number): string {
  if (!Number.isInteger(k) || k < 1) throw new Error(`kNearestNeighbours: k must be a positive integer, got ${k}`);
  const across = (p: CoordinatePlanes, axis: number, hint: string): CoordinatePlanes => {
    const u = (plane: string, c: string) => g.node('Unsqueeze', [plane, g.int64s([axis])], {}, `${hint}.${c}`);
    return { x: u(p.x, 'x'), y: u(p.y, 'y'), z: u(p.z, 'z') };
  };
  const distance = squaredDistance(g, across(query, 2, 'knn.query'), across(planes, 1, 'knn.points'), 'knn.distance'); // [B, S, N]
  const [, indices] = g.nodeN('TopK', [distance, g.int64s([k])], 2, { axis: -1, largest: 0, sorted: 1 }, ['knn.distances', 'knn.indices']);
  return indices!;
}

/**
 * Rows of `data` [B, N, C] at int64 `indices` [B, ...] → [B, ..., C] (GatherND, batch_dims 1).
 *
 * @example
 * ```ts
 * const grouped = gatherRowsNode(g, features, neighbours); // [B, S, K, C]
 * ```
 */
export function gatherRowsNode(g: OnnxGraph, data: string, indices: string, hint = 'gathered'): string {
  const last = g.node('Unsqueeze', [indices, g.int64s([-1])], {}, `${hint}.index`);
  return g.node('GatherND', [data, last], { batch_dims: 1 }, hint);
}
