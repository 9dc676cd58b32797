import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { SQUARED_DISTANCE_WGSL } from './point-kernel-common.js';

/**
 * Query points per kNN workgroup (one invocation each).
 *
 * @example
 * ```ts
 * const workgroups = Math.ceil(queries / KNN_ROWS);
 * ```
 */
export const KNN_ROWS = 64;

/**
 * Points per tile staged through workgroup memory (3 KiB of f32 xyz), shared by a workgroup's queries.
 *
 * @example
 * ```ts
 * const tiles = Math.ceil(n / KNN_TILE);
 * ```
 */
export const KNN_TILE = 256;

/**
 * k nearest neighbours in WGSL: one invocation per query point keeps a sorted list of its k best
 * (distance, index) pairs in private memory (insertion sort); the points stream through workgroup
 * memory one tile at a time, shared by the workgroup's queries. Points are scanned in index order
 * and a candidate must be strictly closer than the current k-th to enter, and is inserted after
 * every entry at the same distance — so ties keep the lower index first, as `kNearestNeighboursJS`.
 *
 * Inputs `query` float32 [B, S, 3], `points` float32 [B, N, 3]; output int32 [B, S, k]. Uniforms
 * `queryStart`, `queryEnd` select the queries of this dispatch (a long job is split by queries,
 * all writing the same output) of `batch` clouds; each tensor may be bound whole or as a view of
 * just those clouds (`bindSlices`): uniforms `queryBase`, `pointsBase`, `outBase` are the element
 * offsets of the dispatch's first cloud in what is bound. k is compiled in: the list is
 * `array<f32, k>` per invocation, made for k ≤ 64 (larger k works, with private memory spilling
 * and O(k) insertions).
 *
 * @example
 * ```ts
 * const program = new KNearestNeighboursProgram(b, s, 32, 0, s);
 * const uniforms = [0, s, 0, 0, 0, 0].map((x) => ({ type: 'int32', data: [x] })); // queryStart, queryEnd, zeroBits, bases
 * backend.runWebGPUProgram(program, [query, points], 'int32', uniforms, out);
 * ```
 */
export class KNearestNeighboursProgram implements WebGPUProgram {
  variableNames = ['query', 'points'];
  uniforms = 'queryStart : i32, queryEnd : i32, zeroBits : i32, queryBase : i32, pointsBase : i32, outBase : i32,';
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [KNN_ROWS, 1, 1];

  /** Covers queries [queryStart, queryEnd) of every cloud. */
  constructor(batch: number, s: number, private readonly k: number, queryStart: number, queryEnd: number) {
    this.outputShape = [batch, s, k];
    this.dispatchLayout = { x: [0, 1, 2] };
    this.dispatch = [Math.ceil((queryEnd - queryStart) / KNN_ROWS), batch, 1];
    this.shaderKey = `heedKNearestNeighbours_${k}_${KNN_ROWS}_${KNN_TILE}`;
  }

  getUserCode(): string {
    return `
    const K = ${this.k};
    const ROWS = ${KNN_ROWS};
    const TILE = ${KNN_TILE};
    var<workgroup> pointTile : array<f32, ${3 * KNN_TILE}>;
    ${SQUARED_DISTANCE_WGSL}

    fn main(index : i32) {
      let b = i32(workgroupId.y);
      let s = uniforms.queryShape[1];
      let n = uniforms.pointsShape[1];
      let q = uniforms.queryStart + i32(workgroupId.x) * ROWS + i32(localIndex);
      let valid = q < uniforms.queryEnd;
      var qp = vec3<f32>(0.0);
      if (valid) {
        let o = uniforms.queryBase + (b * s + q) * 3;
        qp = vec3<f32>(query[o], query[o + 1], query[o + 2]);
      }
      var bestD : array<f32, K>;
      var bestI : array<i32, K>;
      var count = 0;
      for (var start = 0; start < n; start += TILE) {
        let base = uniforms.pointsBase + (b * n + start) * 3;
        let inTile = min(TILE, n - start);
        for (var t = i32(localIndex); t < 3 * inTile; t += ROWS) { pointTile[t] = points[base + t]; }
        workgroupBarrier();
        if (valid) {
          for (var j = 0; j < inTile; j++) {
            let d = heedSquaredDistance(qp, vec3<f32>(pointTile[3 * j], pointTile[3 * j + 1], pointTile[3 * j + 2]));
            // A full list admits only a strictly closer point: at equal distance the earlier index stays.
            if (count == K && !(d < bestD[K - 1])) { continue; }
            var pos = K - 1;
            if (count < K) {
              pos = count;
              count++;
            }
            // Insert after every entry with distance ≤ d, so equal distances keep index order.
            while (pos > 0 && bestD[pos - 1] > d) {
              bestD[pos] = bestD[pos - 1];
              bestI[pos] = bestI[pos - 1];
              pos--;
            }
            bestD[pos] = d;
            bestI[pos] = start + j;
          }
        }
        workgroupBarrier();
      }
      if (valid) {
        let o = uniforms.outBase + (b * s + q) * K;
        for (var j = 0; j < K; j++) { result[o + j] = bestI[j]; }
      }
    }
    `;
  }
}
