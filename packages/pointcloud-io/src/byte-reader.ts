import type { ParseContext } from './context.js';
import { readScalar } from './column-codec.js';
import { SCALAR_SIZE, type ScalarType } from './scalar-types.js';

/** Where a read happens, for error messages. */
export interface ReadSite {
  element?: string;
  field?: string;
}

/**
 * A bounded binary reader: every read checks that the bytes are there first and throws a
 * {@link PointCloudError} naming the file, element, field and offset when they are not.
 * Shared by the PLY, PCD and LAS readers.
 */
export class ByteReader {
  readonly view: DataView;
  /** Current byte offset into `bytes`. */
  offset: number;

  constructor(
    readonly bytes: Uint8Array,
    private readonly ctx: ParseContext,
    public littleEndian = true,
    start = 0,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.offset = start;
  }

  /** Bytes left after the current offset. */
  get remaining(): number {
    return this.bytes.byteLength - this.offset;
  }

  /** Throws a `truncated` error unless `n` more bytes are available. */
  ensure(n: number, site: ReadSite = {}): void {
    if (n > this.bytes.byteLength - this.offset) {
      throw this.ctx.error('truncated', `needs ${n} more bytes but only ${Math.max(0, this.remaining)} remain`, { ...site, offset: this.offset });
    }
  }

  /** Reads one scalar of type `t`. */
  read(t: ScalarType, site: ReadSite = {}): number {
    const size = SCALAR_SIZE[t];
    this.ensure(size, site);
    const v = readScalar(this.view, this.offset, t, this.littleEndian);
    this.offset += size;
    return v;
  }

  u8(site?: ReadSite): number { return this.read('uint8', site); }
  u16(site?: ReadSite): number { return this.read('uint16', site); }
  u32(site?: ReadSite): number { return this.read('uint32', site); }
  f64(site?: ReadSite): number { return this.read('float64', site); }

  /** Reads an unsigned 64-bit integer; throws if it is above 2^53 − 1. */
  u64(site: ReadSite = {}): number {
    this.ensure(8, site);
    const v = this.view.getBigUint64(this.offset, this.littleEndian);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw this.ctx.error('bad-header', `64-bit value ${v} is too large`, { ...site, offset: this.offset });
    }
    this.offset += 8;
    return Number(v);
  }

  /** Skips `n` bytes (bounds-checked). */
  skip(n: number, site?: ReadSite): void {
    this.ensure(n, site);
    this.offset += n;
  }

  /** Returns the next `n` bytes as a view (no copy) and advances. */
  take(n: number, site?: ReadSite): Uint8Array {
    this.ensure(n, site);
    const out = this.bytes.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }
}
