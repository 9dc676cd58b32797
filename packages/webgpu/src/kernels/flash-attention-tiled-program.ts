import { FlashAttentionProgramBase, type FlashAttentionTiles } from './flash-attention-program.js';

/** Query rows per invocation and invocations across a tile's columns in the tiled kernel. */
const ROWS_PER_INVOCATION = 4;
const COLUMN_INVOCATIONS = 16;

/**
 * Tiles for {@link FlashAttentionTiledProgram}: the most query rows (64, 32 or 16) and then the
 * longest key tile (64, 32 or 16) whose workgroup memory — Qᵀ [d, rows], Kᵀ [d, keys], V [keys, dv],
 * Pᵀ [keys, rows], two partial statistics per invocation and two per row — fits the device, within its invocation limit
 * (rows / 4 · 16 invocations). Undefined when the kernel does not apply: dv not a multiple of 16,
 * or nothing fits.
 *
 * @example
 * ```ts
 * chooseTiledTiles(64, 64, { maxComputeWorkgroupStorageSize: 49152, maxComputeInvocationsPerWorkgroup: 1024 }); // { rows: 64, keys: 32 }
 * ```
 */
export function chooseTiledTiles(d: number, dv: number, limits: { maxComputeWorkgroupStorageSize: number; maxComputeInvocationsPerWorkgroup: number }): FlashAttentionTiles | undefined {
  if (dv % COLUMN_INVOCATIONS !== 0) return undefined;
  for (const rows of [64, 32, 16]) {
    if ((rows / ROWS_PER_INVOCATION) * COLUMN_INVOCATIONS > limits.maxComputeInvocationsPerWorkgroup) continue;
    const threads = (rows / ROWS_PER_INVOCATION) * COLUMN_INVOCATIONS;
    for (const keys of [64, 32, 16]) {
      // Qᵀ, Kᵀ, V, Pᵀ, each invocation's partial row maxima and sums (vec4s), running max and sum.
      const floats = d * rows + d * keys + keys * dv + keys * rows + 2 * 4 * threads + 2 * rows;
      if (floats * 4 + 16 <= limits.maxComputeWorkgroupStorageSize) return { rows, keys };
    }
  }
  return undefined;
}

/**
 * FlashAttention-2 forward with register tiles, for large GPUs: a workgroup holds `rows` queries
 * (Qᵀ in workgroup memory) and streams K and V through it a key tile at a time. Each invocation
 * owns 4 query rows × (keys / 16) keys of the score tile S = scale·Q·Kᵀ and 4 rows × (dv / 16)
 * channels of the output, so every workgroup-memory load feeds several multiply-adds (a vec4 of
 * four rows against one key or value) instead of one. Per key tile: each invocation keeps its
 * scores in registers, the 16 invocations of a row group combine their partial maxima and sums
 * through workgroup memory (online softmax: running max m, sum l, rescale α = exp(m_old − m)),
 * write exp(s − m) into Pᵀ, then O ← α·O + P·V. Same inputs, outputs, uniforms and dispatch layout as
 * {@link FlashAttentionProgram} (key lengths, causal masks, any N, views), rows of `tiles.rows`.
 *
 * @example
 * ```ts
 * const tiles = chooseTiledTiles(64, 64, device.limits)!;
 * const program = new FlashAttentionTiledProgram(bh, tq, 64, 64, tiles); // uniforms as FlashAttentionProgram's
 * ```
 */
export class FlashAttentionTiledProgram extends FlashAttentionProgramBase {
  /** Covers `rows` query rows (from uniform `rowStart`) of `slices` slices. */
  constructor(slices: number, rows: number, private readonly d: number, private readonly dv: number, private readonly tiles: FlashAttentionTiles) {
    const invocations = (tiles.rows / ROWS_PER_INVOCATION) * COLUMN_INVOCATIONS;
    super(slices, rows, dv, tiles.rows, invocations, `heedFlashAttentionTiled_${d}_${dv}_${tiles.rows}_${tiles.keys}`);
  }

  getUserCode(): string {
    const { d, dv } = this;
    const { rows: br, keys: bc } = this.tiles;
    return `
    const D = ${d};
    const DV = ${dv};
    const BR = ${br};      // query rows per workgroup
    const BR4 = ${br / 4}; // ... in vec4s of four rows
    const BC = ${bc};      // keys per tile
    const CI = ${COLUMN_INVOCATIONS};
    const TN = ${bc / COLUMN_INVOCATIONS}; // keys per invocation
    const TV = ${dv / COLUMN_INVOCATIONS}; // output channels per invocation
    const THREADS = ${this.workgroupSize[0]};
    const LOWEST = -3.402823e+38;
    var<workgroup> qT : array<vec4<f32>, ${(d * br) / 4}>;  // [D][BR]: four rows per vec4
    var<workgroup> kT : array<f32, ${d * bc}>;              // [D][BC]
    var<workgroup> vTile : array<f32, ${bc * dv}>;          // [BC][DV]
    var<workgroup> pT : array<vec4<f32>, ${(bc * br) / 4}>; // [BC][BR]: scores, then probabilities
    var<workgroup> rowMax : array<vec4<f32>, BR4>;
    var<workgroup> rowSum : array<vec4<f32>, BR4>;
    var<workgroup> partMax : array<vec4<f32>, THREADS>; // [row group][column invocation]
    var<workgroup> partSum : array<vec4<f32>, THREADS>;
    var<workgroup> sharedGroupEnd : i32;

    // Workgroup vec4s are only ever written whole, by one invocation: a compiler may store one
    // component as load–insert–store of the four, which would race with a neighbour's component.
    fn main(index : i32) {
      let slice = i32(workgroupId.y);
      let firstRow = uniforms.rowStart + i32(workgroupId.x) * BR;
      let lid = i32(localIndex);
      let ty = lid / CI; // rows ty·4 … ty·4 + 3 of the tile
      let tx = lid % CI; // keys tx + 16·n, channels tx + 16·n
      let tq = uniforms.qShape[1];
      let tk = uniforms.kShape[1];
      let causal = uniforms.causal != 0;
      let len = min(keyLengths[uniforms.lengthsBase + slice], tk);
      // The loop bound must be uniform for the barriers inside: broadcast through workgroup memory.
      if (lid == 0) { sharedGroupEnd = select(len, min(len, firstRow + BR), causal); }
      let groupEnd = workgroupUniformLoad(&sharedGroupEnd);

      // Qᵀ: invocation i fills column c of rows 4g … 4g + 3 (consecutive invocations, consecutive c).
      let qBase = uniforms.qBase + (slice * tq + firstRow) * D;
      for (var i = lid; i < BR4 * D; i += THREADS) {
        let g = i / D;
        let c = i % D;
        var column = vec4<f32>(0.0);
        for (var r = 0; r < 4; r++) { column[r] = select(0.0, q[qBase + (g * 4 + r) * D + c], firstRow + g * 4 + r < tq); }
        qT[c * BR4 + g] = column;
      }
      // The keys each of this invocation's four rows may see.
      let myRows = vec4<i32>(firstRow + ty * 4) + vec4<i32>(0, 1, 2, 3);
      let myEnds = select(select(vec4<i32>(len), min(vec4<i32>(len), myRows + 1), causal), vec4<i32>(0), myRows >= vec4<i32>(tq));
      if (lid < BR4) {
        rowMax[lid] = vec4<f32>(LOWEST);
        rowSum[lid] = vec4<f32>(0.0);
      }
      workgroupBarrier();
      var o : array<vec4<f32>, TV>; // o[n][i]: row ty·4 + i, channel tx + 16·n

      for (var start = 0; start < groupEnd; start += BC) {
        let kBase = uniforms.kBase + (slice * tk + start) * D;
        for (var i = lid; i < BC * D; i += THREADS) {
          let j = i / D;
          kT[(i % D) * BC + j] = select(0.0, k[kBase + i], start + j < tk);
        }
        let vBase = uniforms.vBase + (slice * tk + start) * DV;
        for (var i = lid; i < BC * DV; i += THREADS) {
          vTile[i] = select(0.0, v[vBase + i], start + i / DV < tk);
        }
        workgroupBarrier();

        // S = scale · Q Kᵀ: a vec4 of four rows meets one key per multiply-add.
        var s : array<vec4<f32>, TN>;
        for (var n = 0; n < TN; n++) { s[n] = vec4<f32>(0.0); }
        for (var c = 0; c < D; c++) {
          let qv = qT[c * BR4 + ty];
          for (var n = 0; n < TN; n++) { s[n] += qv * kT[c * BC + tx + CI * n]; }
        }
        // Online softmax over the tile: this invocation's keys, then its row group's 16 partials.
        var localMax = vec4<f32>(LOWEST);
        for (var n = 0; n < TN; n++) {
          s[n] *= uniforms.scale;
          localMax = select(localMax, max(localMax, s[n]), vec4<i32>(start + tx + CI * n) < myEnds);
        }
        partMax[lid] = localMax;
        workgroupBarrier();
        let old = rowMax[ty];
        var tileMax = old;
        for (var t = 0; t < CI; t++) { tileMax = max(tileMax, partMax[ty * CI + t]); }
        var localSum = vec4<f32>(0.0);
        for (var n = 0; n < TN; n++) {
          let p = select(vec4<f32>(0.0), exp(s[n] - tileMax), vec4<i32>(start + tx + CI * n) < myEnds);
          pT[(tx + CI * n) * BR4 + ty] = p;
          localSum += p;
        }
        partSum[lid] = localSum;
        let alpha = exp(old - tileMax);
        workgroupBarrier();
        if (tx == 0) {
          var tileSum = vec4<f32>(0.0);
          for (var t = 0; t < CI; t++) { tileSum += partSum[ty * CI + t]; }
          rowSum[ty] = rowSum[ty] * alpha + tileSum;
          rowMax[ty] = tileMax;
        }

        // O ← α·O + P·V: a vec4 of four rows' probabilities meets one value channel.
        for (var n = 0; n < TV; n++) { o[n] *= alpha; }
        for (var j = 0; j < BC; j++) {
          let pv = pT[j * BR4 + ty];
          for (var n = 0; n < TV; n++) { o[n] += pv * vTile[j * DV + tx + CI * n]; }
        }
        workgroupBarrier();
      }

      let l = rowSum[ty];
      let inv = select(vec4<f32>(0.0), 1.0 / l, l > vec4<f32>(0.0));
      for (var i = 0; i < 4; i++) {
        let row = firstRow + ty * 4 + i;
        if (row < tq) {
          let outBase = uniforms.outBase + (slice * tq + row) * DV + tx;
          for (var n = 0; n < TV; n++) { result[outBase + CI * n] = o[n][i] * inv[i]; }
        }
      }
    }
    `;
  }
}
