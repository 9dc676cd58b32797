import type { ParseContext } from '../context.js';
import type { LazOptions } from '../types.js';
import type { LasHeader } from './las-header.js';

interface LasZip {
  open(ptr: number, length: number): void;
  getPoint(ptr: number): void;
  getCount(): number;
  getPointLength(): number;
  getPointFormat(): number;
  delete(): void;
}

interface LazPerfModule {
  HEAPU8: Uint8Array;
  _malloc(n: number): number;
  _free(ptr: number): void;
  LASZip: new () => LasZip;
}

type LazPerfFactory = (init: { wasmBinary?: ArrayBuffer | Uint8Array; locateFile?: (file: string) => string }) => Promise<LazPerfModule>;

let modulePromise: Promise<LazPerfModule> | undefined;

async function loadLazPerf(options: LazOptions | undefined): Promise<LazPerfModule> {
  modulePromise ??= (async () => {
    const mod = (await import('laz-perf')) as unknown as { createLazPerf?: LazPerfFactory; default?: { createLazPerf?: LazPerfFactory } };
    const create = mod.createLazPerf ?? mod.default?.createLazPerf;
    if (!create) throw new Error('laz-perf does not export createLazPerf');
    const init: Parameters<LazPerfFactory>[0] = {};
    if (options?.wasmBinary) init.wasmBinary = options.wasmBinary;
    if (options?.locateFile) init.locateFile = options.locateFile;
    return create(init);
  })();
  try {
    return await modulePromise;
  } catch (e) {
    modulePromise = undefined;
    throw e;
  }
}

/**
 * Decompresses every point record of a LAZ file (any version, PDRF 0–10, COPC included) with
 * laz-perf's wasm build, returning `count × recordLength` raw bytes for the LAS record decoder.
 * After a wasm failure the module is dropped so the next call starts a fresh one.
 */
export async function decompressLaz(bytes: Uint8Array, h: LasHeader, ctx: ParseContext): Promise<Uint8Array> {
  let M: LazPerfModule;
  try {
    M = await loadLazPerf(ctx.laz);
  } catch (e) {
    throw ctx.error('unsupported', `cannot load the LAZ decoder (laz-perf): ${e instanceof Error ? e.message : String(e)}`, {}, e);
  }
  let input = 0;
  let point = 0;
  let zip: LasZip | undefined;
  try {
    input = M._malloc(bytes.byteLength);
    M.HEAPU8.set(bytes, input);
    zip = new M.LASZip();
    zip.open(input, bytes.byteLength);
    const count = zip.getCount();
    const len = zip.getPointLength();
    if (count !== h.count || len !== h.recordLength) {
      throw new Error(`laz-perf sees ${count} points of ${len} bytes, the header says ${h.count} of ${h.recordLength}`);
    }
    // Grow as points decode instead of trusting the header count: laz-perf throws when the data
    // runs out, so memory follows the real data, not what a hostile header claims.
    let out = new Uint8Array(Math.min(count, 1 << 16) * len);
    point = M._malloc(len);
    for (let i = 0; i < count; i++) {
      zip.getPoint(point);
      if ((i + 1) * len > out.length) {
        const grown = new Uint8Array(Math.min(count, 2 * (i + 1)) * len);
        grown.set(out);
        out = grown;
      }
      out.set(M.HEAPU8.subarray(point, point + len), i * len);
    }
    return out;
  } catch (e) {
    modulePromise = undefined; // a wasm abort leaves the module unusable
    const msg = e instanceof Error ? e.message : typeof e === 'number' ? `wasm exception ${e}` : String(e);
    throw ctx.error('corrupt', `LAZ data does not decode: ${msg}`, { element: 'points', offset: h.pointOffset }, e);
  } finally {
    try {
      zip?.delete();
      if (point) M._free(point);
      if (input) M._free(input);
    } catch {
      modulePromise = undefined;
    }
  }
}
