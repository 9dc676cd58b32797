import type { ParseContext } from '../context.js';

/** The largest expansion LZF allows: a 3-byte back reference expands to 264 bytes. */
export const LZF_MAX_RATIO = 88;

/**
 * Decompresses LZF data (liblzf format, as used by PCD `binary_compressed`) into exactly
 * `expectedLength` bytes. Every literal run and back reference is bounds-checked against both
 * buffers; every step consumes input, so corrupt data always ends in a `corrupt` error.
 *
 * @param baseOffset byte offset of `input[0]` in the file, for messages.
 */
export function lzfDecompress(input: Uint8Array, expectedLength: number, ctx: ParseContext, baseOffset = 0): Uint8Array {
  const out = new Uint8Array(expectedLength);
  const n = input.length;
  let ip = 0;
  let op = 0;
  const fail = (detail: string, at: number): never => {
    throw ctx.error('corrupt', `LZF data is corrupt: ${detail}`, { element: 'DATA', offset: baseOffset + at });
  };
  while (ip < n) {
    const at = ip;
    const ctrl = input[ip++];
    if (ctrl < 32) {
      const len = ctrl + 1;
      if (ip + len > n) fail(`literal run of ${len} bytes passes the end of the input`, at);
      if (op + len > expectedLength) fail(`output would exceed the expected ${expectedLength} bytes`, at);
      for (let k = 0; k < len; k++) out[op + k] = input[ip + k];
      ip += len;
      op += len;
      continue;
    }
    let len = ctrl >> 5;
    if (len === 7) {
      if (ip >= n) fail('back reference length passes the end of the input', at);
      len += input[ip++];
    }
    if (ip >= n) fail('back reference offset passes the end of the input', at);
    const ref = op - ((ctrl & 0x1f) << 8) - input[ip++] - 1;
    if (ref < 0) fail(`back reference points ${-ref} bytes before the start of the output`, at);
    len += 2;
    if (op + len > expectedLength) fail(`output would exceed the expected ${expectedLength} bytes`, at);
    for (let k = 0; k < len; k++) out[op + k] = out[ref + k];
    op += len;
  }
  if (op !== expectedLength) fail(`decoded ${op} bytes, expected ${expectedLength}`, n);
  return out;
}

/**
 * Compresses bytes with LZF (liblzf-compatible output, greedy hash matching). Used by the PCD
 * `binary_compressed` writer.
 *
 * @example
 * ```ts
 * const packed = lzfCompress(new Uint8Array(1000)); // a few bytes
 * ```
 */
export function lzfCompress(input: Uint8Array): Uint8Array {
  const n = input.length;
  const out = new Uint8Array(n + Math.ceil(n / 32) + 16);
  const HLOG = 14;
  const table = new Int32Array(1 << HLOG).fill(-1);
  let op = 0;
  let lit = 0; // start of pending literals
  const flush = (end: number): void => {
    while (lit < end) {
      const len = Math.min(32, end - lit);
      out[op++] = len - 1;
      out.set(input.subarray(lit, lit + len), op);
      op += len;
      lit += len;
    }
  };
  let ip = 0;
  while (ip + 2 < n) {
    const v = (input[ip] << 16) | (input[ip + 1] << 8) | input[ip + 2];
    const h = (Math.imul(v, 0x9e3779b1) >>> (32 - HLOG)) & ((1 << HLOG) - 1);
    const ref = table[h];
    table[h] = ip;
    const off = ip - ref - 1;
    if (ref >= 0 && off < 8192 && input[ref] === input[ip] && input[ref + 1] === input[ip + 1] && input[ref + 2] === input[ip + 2]) {
      const max = Math.min(264, n - ip);
      let len = 3;
      while (len < max && input[ref + len] === input[ip + len]) len++;
      flush(ip);
      const l = len - 2;
      if (l < 7) out[op++] = (l << 5) | (off >> 8);
      else {
        out[op++] = (7 << 5) | (off >> 8);
        out[op++] = l - 7;
      }
      out[op++] = off & 0xff;
      ip += len;
      lit = ip;
    } else ip++;
  }
  flush(n);
  return out.slice(0, op);
}
