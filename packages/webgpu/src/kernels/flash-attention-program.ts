import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

/** Tile sizes for one compiled variant of the kernel. */
export interface FlashAttentionTiles {
  /** Query rows per workgroup (one invocation each). */
  rows: number;
  /** Keys per K/V tile held in workgroup memory. */
  keys: number;
}

/**
 * Picks tiles so that one K tile plus one V tile fit the workgroup storage limit, keeping key
 * tiles as long as possible (fewer barriers) and rows within the invocation limit.
 */
export function chooseTiles(d: number, dv: number, limits: { maxComputeWorkgroupStorageSize: number; maxComputeInvocationsPerWorkgroup: number }): FlashAttentionTiles {
  const rows = Math.min(64, limits.maxComputeInvocationsPerWorkgroup);
  let keys = 64;
  // 16 bytes of headroom for the kernel's other workgroup variable.
  while (keys > 4 && keys * (d + dv) * 4 + 16 > limits.maxComputeWorkgroupStorageSize) keys /= 2;
  return { rows, keys };
}

/**
 * What every flash-attention kernel shares: its inputs (q, k, v, key lengths), its uniforms (the
 * attributes, the dispatch's first query row, where the dispatch's first slice starts in each
 * bound tensor), and its layout — `rows` query rows of `slices` slices, workgroups along x by
 * rows (`rowsPerWorkgroup` each), along y by slices.
 *
 * @example
 * ```ts
 * class MyFlashProgram extends FlashAttentionProgramBase {
 *   constructor() { super(8, 1000, 64, 64, 64, 'myFlash'); }
 *   getUserCode() { return '…'; }
 * }
 * ```
 */
export abstract class FlashAttentionProgramBase implements WebGPUProgram {
  variableNames = ['q', 'k', 'v', 'keyLengths'];
  uniforms = 'scale : f32, causal : i32, rowStart : i32, qBase : i32, kBase : i32, vBase : i32, lengthsBase : i32, outBase : i32,';
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0, 1, 2] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];

  protected constructor(slices: number, rows: number, dv: number, rowsPerWorkgroup: number, invocations: number, shaderKey: string) {
    this.outputShape = [slices, rows, dv];
    this.dispatch = [Math.ceil(rows / rowsPerWorkgroup), slices, 1];
    this.workgroupSize = [invocations, 1, 1];
    this.shaderKey = shaderKey;
  }

  abstract getUserCode(): string;
}

/**
 * FlashAttention-2-style forward in WGSL for tfjs-backend-webgpu: each invocation owns one query
 * row (q and the output accumulator in registers); K and V stream through workgroup memory one
 * tile at a time; softmax is computed online (running max and sum, one rescale per tile), so no
 * Tq×Tk buffer ever exists. Inputs q [BH, Tq, d], k [BH, Tk, d], v [BH, Tk, dv], keyLengths
 * int32 [BH]; output [BH, Tq, dv]; rows with no key give zeros.
 *
 * One dispatch covers `rows` query rows from uniform `rowStart` of `slices` slices. Each tensor
 * may be bound whole or as a view of just those slices (see `binding-view.ts`): uniforms `qBase`,
 * `kBase`, `vBase`, `lengthsBase`, `outBase` are the element offsets of the dispatch's first slice
 * in what is bound; `scale` and `causal` as the attributes say.
 *
 * @example
 * ```ts
 * const program = new FlashAttentionProgram(bh, tq, d, dv, chooseTiles(d, dv, device.limits)); // all of it at once
 * const bases = [0, 0, 0, 0, 0].map((b) => ({ type: 'int32', data: [b] }));
 * backend.runWebGPUProgram(program, [q, k, v, keyLengths], 'float32',
 *   [{ type: 'float32', data: [scale] }, { type: 'int32', data: [causal ? 1 : 0] }, { type: 'int32', data: [0] }, ...bases]);
 * ```
 */
export class FlashAttentionProgram extends FlashAttentionProgramBase {
  /** Channels per workgroup-memory load: 4 where both head dims allow it, else 1. */
  private readonly w: 1 | 4;

  /**
   * Covers `rows` query rows (from uniform `rowStart`) of `slices` slices. `vectorWidth` 1 forces
   * the scalar kernel (benchmarks compare the two; flag `HEED_FLASH_VARIANT` = 'rows-scalar').
   */
  constructor(
    slices: number,
    rows: number,
    private readonly d: number,
    private readonly dv: number,
    private readonly tiles: FlashAttentionTiles,
    vectorWidth: 1 | 4 = 4,
  ) {
    const w = vectorWidth === 4 && d % 4 === 0 && dv % 4 === 0 ? 4 : 1;
    super(slices, rows, dv, tiles.rows, tiles.rows, `heedFlashAttention_${d}_${dv}_${tiles.rows}_${tiles.keys}_${w}`);
    this.w = w;
  }

  getUserCode(): string {
    const { d, dv } = this;
    const { rows, keys } = this.tiles;
    // Four channels per shared-memory load where the head dims allow: a scalar kernel issues one
    // workgroup-memory load per multiply-add, which on large GPUs caps it near a quarter of peak.
    const { w } = this;
    const vec = w === 4 ? 'vec4<f32>' : 'f32';
    const load = (array: string, at: string) => (w === 4 ? `vec4<f32>(${[0, 1, 2, 3].map((i) => `${array}[${at} + ${i}]`).join(', ')})` : `${array}[${at}]`);
    const dotOf = (a: string, b: string) => (w === 4 ? `dot(${a}, ${b})` : `${a} * ${b}`);
    const store = w === 4
      ? [0, 1, 2, 3].map((i) => `result[outBase + c * 4 + ${i}] = o[${i}];`).join(' ')
      : 'result[outBase + c] = o;';
    return `
    const D = ${d};
    const DV = ${dv};
    const W = ${w};
    const DW = ${d / w};   // q, k rows in ${vec}
    const DVW = ${dv / w}; // v, output rows in ${vec}
    const ROWS = ${rows};
    const KEYS = ${keys};
    const LOWEST = -3.402823e+38;
    var<workgroup> kTile : array<${vec}, ${(keys * d) / w}>;
    var<workgroup> vTile : array<${vec}, ${(keys * dv) / w}>;
    var<workgroup> sharedGroupEnd : i32;

    fn main(index : i32) {
      // The dispatch's slice, counted from its first; rows are counted from the tensor's first.
      let slice = i32(workgroupId.y);
      let firstRow = uniforms.rowStart + i32(workgroupId.x) * ROWS;
      let row = firstRow + i32(localId.x);
      let tq = uniforms.qShape[1];
      let tk = uniforms.kShape[1];
      let causal = uniforms.causal != 0;
      let len = min(keyLengths[uniforms.lengthsBase + slice], tk);
      // Keys this row may see.
      var rowEnd = select(len, min(len, row + 1), causal);
      if (row >= tq) { rowEnd = 0; }
      // Keys any row of the workgroup may see. tfjs keeps builtins in private variables, which
      // WGSL cannot prove uniform, so the loop bound is broadcast through workgroup memory.
      if (localIndex == 0u) { sharedGroupEnd = select(len, min(len, firstRow + ROWS), causal); }
      let groupEnd = workgroupUniformLoad(&sharedGroupEnd);

      var qRow : array<${vec}, DW>;
      if (row < tq) {
        let base = uniforms.qBase + (slice * tq + row) * D;
        for (var c = 0; c < DW; c++) { qRow[c] = ${load('q', 'base + c * W')}; }
      }
      var acc : array<${vec}, DVW>;
      var m = LOWEST;
      var l = 0.0;
      var s : array<f32, KEYS>;

      for (var start = 0; start < groupEnd; start += KEYS) {
        let kBase = uniforms.kBase + (slice * tk + start) * D;
        let vBase = uniforms.vBase + (slice * tk + start) * DV;
        for (var i = i32(localIndex); i < KEYS * DW; i += ROWS) {
          kTile[i] = select(${vec}(0.0), ${load('k', 'kBase + i * W')}, start + i / DW < tk);
        }
        for (var i = i32(localIndex); i < KEYS * DVW; i += ROWS) {
          vTile[i] = select(${vec}(0.0), ${load('v', 'vBase + i * W')}, start + i / DVW < tk);
        }
        workgroupBarrier();
        let count = min(KEYS, rowEnd - start);
        if (count > 0) {
          var tileMax = m;
          for (var j = 0; j < count; j++) {
            var score = 0.0;
            for (var c = 0; c < DW; c++) { score += ${dotOf('qRow[c]', 'kTile[j * DW + c]')}; }
            s[j] = score * uniforms.scale;
            tileMax = max(tileMax, s[j]);
          }
          let rescale = exp(m - tileMax);
          l *= rescale;
          for (var c = 0; c < DVW; c++) { acc[c] *= rescale; }
          for (var j = 0; j < count; j++) {
            let p = exp(s[j] - tileMax);
            l += p;
            for (var c = 0; c < DVW; c++) { acc[c] += p * vTile[j * DVW + c]; }
          }
          m = tileMax;
        }
        workgroupBarrier();
      }
      if (row < tq) {
        let outBase = uniforms.outBase + (slice * tq + row) * DV;
        let inv = select(0.0, 1.0 / l, l > 0.0);
        for (var c = 0; c < DVW; c++) { let o = acc[c] * inv; ${store} }
      }
    }
    `;
  }
}
