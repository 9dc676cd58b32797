import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

/** Workgroup limits the tile choice depends on. */
export interface OffsetAttentionLimits {
  maxComputeWorkgroupStorageSize: number;
  maxComputeInvocationsPerWorkgroup: number;
}

/**
 * Value channels one column-pass invocation accumulates at most (in registers). Larger means
 * fewer recomputations of the logits (1 + ⌈C / 128⌉ in all), smaller fewer registers; on
 * SwiftShader, N = 1024, dq = 64, C = 256: 2.3 s at 64, 1.7 s at 128, 1.5 s at 256.
 */
const CHANNELS_PER_INVOCATION = 128;

/** Tile sizes for one compiled variant of the offset-attention passes. */
export interface OffsetAttentionTiles {
  /** Invocations per workgroup: query rows (row pass) or key columns (column pass), one each. */
  lanes: number;
  /** Keys per tile of the row pass held in workgroup memory. */
  keys: number;
  /** Query rows per tile of the column pass held in workgroup memory. */
  rows: number;
  /** Value channels one column-pass invocation accumulates (C is split over dispatch z). */
  channels: number;
}

/**
 * Picks tiles so that each pass's workgroup arrays fit the storage limit: the row pass holds
 * `keys × dq` floats, the column pass `rows × (dq + channels + 2)`. Channels are capped at 128 per
 * invocation (C = 256 runs as 2 channel groups, each recomputing its logits).
 *
 * @example
 * ```ts
 * chooseOffsetAttentionTiles(64, 256, { maxComputeWorkgroupStorageSize: 16384, maxComputeInvocationsPerWorkgroup: 256 });
 * // { lanes: 64, keys: 32, rows: 16, channels: 128 } (64 keys and 32 rows with 32 KiB)
 * ```
 */
export function chooseOffsetAttentionTiles(dq: number, c: number, limits: OffsetAttentionLimits): OffsetAttentionTiles {
  const lanes = Math.min(64, limits.maxComputeInvocationsPerWorkgroup);
  const channels = Math.min(CHANNELS_PER_INVOCATION, c);
  // 16 bytes of headroom for the kernels' other workgroup variable.
  const fits = (floats: number) => floats * 4 + 16 <= limits.maxComputeWorkgroupStorageSize;
  let keys = 64;
  while (keys > 4 && !fits(keys * dq)) keys /= 2;
  let rows = 64;
  while (rows > 4 && !fits(rows * (dq + channels + 2))) rows /= 2;
  return { lanes, keys, rows, channels };
}

/**
 * Pass 1 of offset-attention: softmax statistics of each row of E = q·kᵀ (no scaling). Each
 * invocation owns one query row (q in registers); K streams through workgroup memory one tile
 * at a time with an online max/sum, so no N×N buffer exists. Inputs q [B, N, dq], k [B, N, dq].
 * Output [B, N, 2]: (m_i = max_j E_ij, l_i = Σ_j exp(E_ij − m_i)). A dispatch covers `b` batch
 * elements; each tensor may be bound whole or as a view of just those (`bindSlices`): uniforms
 * `qBase`, `kBase`, `outBase` are the element offsets of its first batch element in what is bound.
 *
 * @example
 * ```ts
 * const tiles = chooseOffsetAttentionTiles(64, 256, gpu.device.limits);
 * const bases = [0, 0, 0].map((x) => ({ type: 'int32', data: [x] })); // qBase, kBase, outBase
 * const stats = gpu.runWebGPUProgram(new OffsetAttentionRowStatsProgram(b, n, 64, tiles), [q, k], 'float32', bases);
 * ```
 */
export class OffsetAttentionRowStatsProgram implements WebGPUProgram {
  variableNames = ['q', 'k'];
  uniforms = 'qBase : i32, kBase : i32, outBase : i32,';
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];

  constructor(b: number, n: number, private readonly dq: number, private readonly tiles: OffsetAttentionTiles) {
    this.outputShape = [b, n, 2];
    this.dispatchLayout = { x: [0, 1, 2] };
    this.workgroupSize = [tiles.lanes, 1, 1];
    this.dispatch = [Math.ceil(n / tiles.lanes), b, 1];
    this.shaderKey = `heedOffsetAttentionRows_${dq}_${tiles.lanes}_${tiles.keys}`;
  }

  getUserCode(): string {
    const { dq } = this;
    const { lanes, keys } = this.tiles;
    return `
    const D = ${dq};
    const LANES = ${lanes};
    const KEYS = ${keys};
    const LOWEST = -3.402823e+38;
    var<workgroup> kTile : array<f32, ${keys * dq}>;
    var<workgroup> sharedN : i32;

    fn main(index : i32) {
      let batch = i32(workgroupId.y);
      let row = i32(workgroupId.x) * LANES + i32(localId.x);
      // The loop bound goes through workgroup memory so WGSL sees it as uniform (barriers inside).
      if (localIndex == 0u) { sharedN = uniforms.qShape[1]; }
      let n = workgroupUniformLoad(&sharedN);

      var qRow : array<f32, D>;
      if (row < n) {
        let base = uniforms.qBase + (batch * n + row) * D;
        for (var c = 0; c < D; c++) { qRow[c] = q[base + c]; }
      }
      var m = LOWEST;
      var l = 0.0;
      var s : array<f32, KEYS>;
      for (var start = 0; start < n; start += KEYS) {
        let kBase = uniforms.kBase + (batch * n + start) * D;
        for (var i = i32(localIndex); i < KEYS * D; i += LANES) {
          kTile[i] = select(0.0, k[kBase + i], start + i / D < n);
        }
        workgroupBarrier();
        if (row < n) {
          let count = min(KEYS, n - start);
          var tileMax = m;
          for (var j = 0; j < count; j++) {
            var dot = 0.0;
            for (var c = 0; c < D; c++) { dot += qRow[c] * kTile[j * D + c]; }
            s[j] = dot;
            tileMax = max(tileMax, dot);
          }
          l *= exp(m - tileMax);
          for (var j = 0; j < count; j++) { l += exp(s[j] - tileMax); }
          m = tileMax;
        }
        workgroupBarrier();
      }
      if (row < n) {
        let outBase = uniforms.outBase + (batch * n + row) * 2;
        result[outBase] = m;
        result[outBase + 1] = l;
      }
    }
    `;
  }
}

/**
 * Pass 2 of offset-attention: each invocation owns one key column j (k_j in registers) and one
 * group of value channels; query rows, their softmax statistics and the value rows stream through
 * workgroup memory. It accumulates both s_j = Σ_i p_ij and Σ_i p_ij · v_i with
 * p_ij = exp(E_ij − m_i) / l_i, then writes x_r[j, :] = (Σ_i p_ij · v_i) / (epsilon + s_j) — the
 * column sum and the product in one pass, no N×N buffer. Inputs q [B, N, dq], k [B, N, dq],
 * v [B, N, C], stats [B, N, 2] (from {@link OffsetAttentionRowStatsProgram}); uniform epsilon.
 * Output [B, N, C]. A dispatch covers `b` batch elements; uniforms `qBase`, `kBase`, `vBase`,
 * `statsBase`, `outBase` are the element offsets of its first one in what is bound (whole tensor
 * or view, `bindSlices`).
 *
 * @example
 * ```ts
 * const program = new OffsetAttentionColumnsProgram(b, n, 64, 256, tiles);
 * const bases = [0, 0, 0, 0, 0].map((x) => ({ type: 'int32', data: [x] })); // qBase … outBase
 * const out = gpu.runWebGPUProgram(program, [q, k, v, stats], 'float32', [{ type: 'float32', data: [1e-9] }, ...bases]);
 * ```
 */
export class OffsetAttentionColumnsProgram implements WebGPUProgram {
  variableNames = ['q', 'k', 'v', 'stats'];
  uniforms = 'epsilon : f32, qBase : i32, kBase : i32, vBase : i32, statsBase : i32, outBase : i32,';
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];

  constructor(b: number, n: number, private readonly dq: number, c: number, private readonly tiles: OffsetAttentionTiles) {
    this.outputShape = [b, n, c];
    this.dispatchLayout = { x: [0, 1, 2] };
    this.workgroupSize = [tiles.lanes, 1, 1];
    this.dispatch = [Math.ceil(n / tiles.lanes), b, Math.ceil(c / tiles.channels)];
    this.shaderKey = `heedOffsetAttentionColumns_${dq}_${tiles.lanes}_${tiles.rows}_${tiles.channels}`;
  }

  getUserCode(): string {
    const { dq } = this;
    const { lanes, rows, channels } = this.tiles;
    return `
    const D = ${dq};
    const LANES = ${lanes};
    const ROWS = ${rows};
    const CH = ${channels};
    var<workgroup> qTile : array<f32, ${rows * dq}>;
    var<workgroup> vTile : array<f32, ${rows * channels}>;
    var<workgroup> mTile : array<f32, ${rows}>;
    var<workgroup> invLTile : array<f32, ${rows}>;
    var<workgroup> sharedN : i32;

    fn main(index : i32) {
      let batch = i32(workgroupId.y);
      let col = i32(workgroupId.x) * LANES + i32(localId.x);
      let c0 = i32(workgroupId.z) * CH;
      let channelsTotal = uniforms.vShape[2];
      if (localIndex == 0u) { sharedN = uniforms.qShape[1]; }
      let n = workgroupUniformLoad(&sharedN);

      var kCol : array<f32, D>;
      if (col < n) {
        let base = uniforms.kBase + (batch * n + col) * D;
        for (var c = 0; c < D; c++) { kCol[c] = k[base + c]; }
      }
      var acc : array<f32, CH>;
      var colSum = 0.0;
      for (var start = 0; start < n; start += ROWS) {
        let qBase = uniforms.qBase + (batch * n + start) * D;
        for (var i = i32(localIndex); i < ROWS * D; i += LANES) {
          qTile[i] = select(0.0, q[qBase + i], start + i / D < n);
        }
        for (var i = i32(localIndex); i < ROWS * CH; i += LANES) {
          let r = i / CH;
          let c = c0 + i % CH;
          let inside = start + r < n && c < channelsTotal;
          vTile[i] = select(0.0, v[select(0, uniforms.vBase + (batch * n + start + r) * channelsTotal + c, inside)], inside);
        }
        for (var i = i32(localIndex); i < ROWS; i += LANES) {
          let inside = start + i < n;
          let at = select(0, uniforms.statsBase + (batch * n + start + i) * 2, inside);
          mTile[i] = select(0.0, stats[at], inside);
          invLTile[i] = select(0.0, 1.0 / stats[at + 1], inside);
        }
        workgroupBarrier();
        if (col < n) {
          let count = min(ROWS, n - start);
          for (var r = 0; r < count; r++) {
            // Same product order as the row pass (q[c]·k[c], c ascending), so the same E_ij.
            var dot = 0.0;
            for (var c = 0; c < D; c++) { dot += qTile[r * D + c] * kCol[c]; }
            let p = exp(dot - mTile[r]) * invLTile[r];
            colSum += p;
            for (var c = 0; c < CH; c++) { acc[c] += p * vTile[r * CH + c]; }
          }
        }
        workgroupBarrier();
      }
      if (col < n) {
        let outBase = uniforms.outBase + (batch * n + col) * channelsTotal;
        let inv = 1.0 / (uniforms.epsilon + colSum);
        for (var c = 0; c < CH; c++) {
          if (c0 + c < channelsTotal) { result[outBase + c0 + c] = acc[c] * inv; }
        }
      }
    }
    `;
  }
}
