import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { SQUARED_DISTANCE_WGSL } from './point-kernel-common.js';

/**
 * Farthest point sampling in WGSL (pointnet2_ops semantics), one workgroup per cloud. Each
 * invocation owns a strided subset of the points and keeps their smallest squared distance to
 * the centres so far; per sample it updates them against the last centre, takes its own
 * (largest distance, lowest index) and the workgroup reduces those through workgroup memory.
 *
 * Input `xyz` float32 [B, N, 3]. Output (the "work" tensor, int32 [B, M + N]): per cloud the M
 * centre indices, then the N running distances as f32 bit patterns — the only read-write binding
 * a tfjs program has is its output, and keeping the state there lets one job span several
 * dispatches: uniforms `sampleStart`, `sampleEnd` pick the samples this dispatch computes (the
 * one at `sampleStart` = 0 also initialises the state). {@link FpsCentresProgram} copies the
 * centres out. A dispatch covers `batch` clouds; `xyz` and the work tensor may each be bound whole
 * or as a view of just those clouds (`bindSlices`): uniforms `xyzBase`, `outBase` are the element
 * offsets of the dispatch's first cloud in what is bound.
 *
 * @example
 * ```ts
 * const program = new FarthestPointSampleProgram(b, n, m, 256);
 * const uniforms = [0, m, 0, 0, 0].map((x) => ({ type: 'int32', data: [x] })); // sampleStart, sampleEnd, zeroBits, xyzBase, outBase
 * backend.runWebGPUProgram(program, [xyz], 'int32', uniforms, work);
 * ```
 */
export class FarthestPointSampleProgram implements WebGPUProgram {
  variableNames = ['xyz'];
  uniforms = 'sampleStart : i32, sampleEnd : i32, zeroBits : i32, xyzBase : i32, outBase : i32,';
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];

  /**
   * @param threads invocations per workgroup, a power of two within the device's limits.
   * @param subgroups reduce each sample's candidates with subgroup operations (the device must
   *   have them, and hoist the program's `enable`: see `useSubgroups`): one barrier per sample
   *   instead of log2(threads) + 2.
   */
  constructor(batch: number, n: number, numSamples: number, private readonly threads: number, private readonly subgroups = false) {
    this.outputShape = [batch, numSamples + n];
    this.dispatchLayout = { x: [0, 1] };
    this.workgroupSize = [threads, 1, 1];
    this.dispatch = [batch, 1, 1];
    this.shaderKey = `heedFarthestPointSample_${threads}_${subgroups ? 'subgroups' : 'tree'}`;
  }

  getUserCode(): string {
    return `${this.subgroups ? 'enable subgroups;' : ''}
    const W = ${this.threads};
    const FAR : f32 = 1e10; // pointnet2's initial distance; the same f32 as Math.fround(1e10)
    ${this.subgroups ? SUBGROUP_SLOTS : TREE_SLOTS}
    ${SQUARED_DISTANCE_WGSL}

    fn point(base : i32, i : i32) -> vec3<f32> {
      return vec3<f32>(xyz[base + 3 * i], xyz[base + 3 * i + 1], xyz[base + 3 * i + 2]);
    }

    fn main(index : i32) {
      let b = i32(workgroupId.x);
      let lid = i32(localIndex);
      let n = uniforms.xyzShape[1];
      let m = uniforms.outShape[1] - n;
      let row = uniforms.outBase + b * (m + n); // centres at row .. row + m, distances after them
      let dist = row + m;
      let cloud = uniforms.xyzBase + b * n * 3;
      let s0 = uniforms.sampleStart;
      var last = 0;${this.subgroups ? `
      // This invocation's place in its subgroup, and the subgroup's width.
      let lane = i32(subgroupExclusiveAdd(1u));
      let width = i32(subgroupAdd(1u));` : ''}
      if (s0 == 0) {
        if (lid == 0) { result[row] = 0; }
        // Each invocation initialises, and later only touches, its own strided points: no barrier.
        for (var i = lid; i < n; i += W) { result[dist + i] = bitcast<i32>(FAR); }
      } else {
        last = result[row + s0 - 1];
      }
      for (var s = max(s0, 1); s < uniforms.sampleEnd; s++) {
        let c = point(cloud, last);
        var bestD = -1.0;
        var bestI = 0;
        for (var i = lid; i < n; i += W) {
          let d = heedSquaredDistance(point(cloud, i), c);
          var near = bitcast<f32>(result[dist + i]);
          if (d < near) {
            near = d;
            result[dist + i] = bitcast<i32>(d);
          }
          // Strictly greater, indices ascending: ties keep the lowest index.
          if (near > bestD) {
            bestD = near;
            bestI = i;
          }
        }
${this.subgroups ? SUBGROUP_REDUCTION : TREE_REDUCTION}
      }
    }
    `;
  }
}

/** One candidate per invocation. */
const TREE_SLOTS = `
    var<workgroup> redD : array<f32, W>;
    var<workgroup> redI : array<i32, W>;`;

/** Per sample: every invocation's candidate into workgroup memory, then a tree of barriers. */
const TREE_REDUCTION = `
        redD[lid] = bestD;
        redI[lid] = bestI;
        workgroupBarrier();
        for (var stride = W / 2; stride > 0; stride = stride / 2) {
          if (lid < stride) {
            let od = redD[lid + stride];
            let oi = redI[lid + stride];
            if (od > redD[lid] || (od == redD[lid] && oi < redI[lid])) {
              redD[lid] = od;
              redI[lid] = oi;
            }
          }
          workgroupBarrier();
        }
        last = redI[0];
        if (lid == 0) { result[row + s] = last; }
        // Everyone has read redI[0] before the next sample overwrites it.
        workgroupBarrier();`;

/**
 * One slot per subgroup (at most W / 4: subgroups have at least 4 invocations), in three
 * buffers used in turn so that one barrier per sample is enough: a buffer's count is reset two
 * samples after its slots were read, one before they are written again. Loops bounded by a
 * subgroup's width are uniform within the subgroup, which is what its operations need.
 */
const SUBGROUP_SLOTS = `
    diagnostic(off, subgroup_uniformity);
    const SLOTS = W / 4;
    var<workgroup> slotCount : array<atomic<u32>, 3>;
    var<workgroup> slotD : array<f32, 3 * SLOTS>;
    var<workgroup> slotI : array<i32, 3 * SLOTS>;

    struct Candidate { d : f32, i : i32 }

    // The best candidate of the subgroup: largest distance, lowest index among equals.
    fn bestOfSubgroup(d : f32, i : i32) -> Candidate {
      let best = subgroupMax(d);
      return Candidate(best, subgroupMin(select(0x7fffffff, i, d == best)));
    }`;

/**
 * Per sample: each subgroup's best candidate into a slot, one barrier, then every subgroup
 * reduces the slots itself — a subgroup's width of them per step (one step where the workgroup
 * has at most width² invocations: 1024 on 32-wide subgroups) — so all invocations agree.
 */
const SUBGROUP_REDUCTION = `
        let mine = bestOfSubgroup(bestD, bestI);
        let buffer = s % 3;
        if (subgroupElect()) {
          let slot = buffer * SLOTS + i32(atomicAdd(&slotCount[buffer], 1u));
          slotD[slot] = mine.d;
          slotI[slot] = mine.i;
        }
        if (lid == 0) { atomicStore(&slotCount[(s + 1) % 3], 0u); }
        workgroupBarrier();
        let count = i32(atomicLoad(&slotCount[buffer]));
        var winner = Candidate(-1.0, 0x7fffffff);
        for (var t = 0; t < count; t += width) {
          let slot = t + lane;
          let valid = slot < count;
          let other = bestOfSubgroup(select(-1.0, slotD[buffer * SLOTS + min(slot, count - 1)], valid),
                                     select(0x7fffffff, slotI[buffer * SLOTS + min(slot, count - 1)], valid));
          if (other.d > winner.d || (other.d == winner.d && other.i < winner.i)) { winner = other; }
        }
        last = winner.i;
        if (lid == 0) { result[row + s] = last; }`;

/**
 * Copies the centre indices out of {@link FarthestPointSampleProgram}'s work tensor:
 * `work` int32 [B, M + N] → int32 [B, M], for `batch` clouds from uniforms `workBase`, `outBase`
 * (element offsets of the first cloud in what is bound, whole tensor or view).
 *
 * @example
 * ```ts
 * const bases = [{ type: 'int32', data: [0] }, { type: 'int32', data: [0] }]; // workBase, outBase
 * const centres = backend.runWebGPUProgram(new FpsCentresProgram(b, m), [work], 'int32', bases);
 * ```
 */
export class FpsCentresProgram implements WebGPUProgram {
  variableNames = ['work'];
  uniforms = 'workBase : i32, outBase : i32,';
  outputShape: number[];
  shaderKey = 'heedFpsCentres';
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [64, 1, 1];
  size = true;

  constructor(batch: number, numSamples: number) {
    this.outputShape = [batch, numSamples];
    this.dispatchLayout = { x: [0, 1] };
    this.dispatch = [Math.ceil((batch * numSamples) / 64), 1, 1];
  }

  getUserCode(): string {
    return `
    fn main(index : i32) {
      if (index < uniforms.size) {
        let m = uniforms.outShape[1];
        let b = index / m;
        result[uniforms.outBase + index] = work[uniforms.workBase + b * uniforms.workShape[1] + index - b * m];
      }
    }
    `;
  }
}
