import { PointCloudError, type PointCloudErrorCode, type PointCloudErrorLocation } from './errors.js';
import type { LazOptions, PointCloudFormat, ReadOptions } from './types.js';

/** Default `maxPoints`. */
export const DEFAULT_MAX_POINTS = 100_000_000;
/** Default `maxBytes` (2 GiB). */
export const DEFAULT_MAX_BYTES = 2 ** 31;

/** Per-read state shared by the parsing code: resolved options, the file name, collected warnings. */
export class ParseContext {
  readonly fileName: string;
  readonly nonFinite: 'drop' | 'error';
  readonly maxPoints: number;
  readonly maxBytes: number;
  readonly allowEmpty: boolean;
  readonly lasDecoder: 'auto' | 'loaders.gl' | 'builtin';
  readonly laz: LazOptions | undefined;
  readonly columns: string[] | undefined;
  readonly pcdCompressedLayout: 'auto' | 'columns' | 'rows';
  readonly warnings: string[] = [];

  constructor(
    readonly format: PointCloudFormat,
    options: ReadOptions = {},
  ) {
    this.fileName = options.fileName ?? '<buffer>';
    this.nonFinite = options.nonFinite ?? 'drop';
    this.maxPoints = options.maxPoints ?? DEFAULT_MAX_POINTS;
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.allowEmpty = options.allowEmpty ?? false;
    this.lasDecoder = options.lasDecoder ?? 'auto';
    this.laz = options.laz;
    this.columns = options.columns;
    this.pcdCompressedLayout = options.pcdCompressedLayout ?? 'auto';
    if (this.nonFinite !== 'drop' && this.nonFinite !== 'error') {
      throw this.error('invalid-argument', `nonFinite must be 'drop' or 'error', got ${String(this.nonFinite)}`);
    }
    for (const [name, v] of [['maxPoints', this.maxPoints], ['maxBytes', this.maxBytes]] as const) {
      if (!(v >= 0)) throw this.error('invalid-argument', `${name} must be a non-negative number, got ${String(v)}`);
    }
  }

  /** Builds a {@link PointCloudError} located in this file. */
  error(code: PointCloudErrorCode, detail: string, where: Omit<PointCloudErrorLocation, 'fileName' | 'format'> = {}, cause?: unknown): PointCloudError {
    return new PointCloudError(code, detail, { fileName: this.fileName, format: this.format, ...where }, cause === undefined ? undefined : { cause });
  }

  /**
   * Runs `fn`, turning an allocation failure (a RangeError from a typed-array constructor when
   * memory runs out) into a `limit` PointCloudError. Other errors pass through unchanged.
   */
  guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof RangeError && /alloc|invalid (typed )?array length|array buffer|memory/i.test(e.message)) {
        throw this.error('limit', `not enough memory to hold the data (${e.message})`, {}, e);
      }
      throw e;
    }
  }

  /** Records a warning, prefixed with the file name. */
  warn(message: string): void {
    this.warnings.push(`${this.fileName}: ${message}`);
  }

  /** Throws unless the input size is within `maxBytes`. */
  checkInputSize(byteLength: number): void {
    if (byteLength > this.maxBytes) {
      throw this.error('limit', `input is ${byteLength} bytes, more than maxBytes = ${this.maxBytes}`);
    }
  }

  /**
   * Checks a count read from a header BEFORE anything is allocated for it: it must be a safe
   * integer, within `maxPoints` when it counts points, and `count * minBytesEach` must fit in the
   * `available` bytes.
   */
  checkCount(count: number, c: { what: string; element?: string; field?: string; offset?: number; minBytesEach: number; available: number; isPoints?: boolean }): void {
    const where = { element: c.element, field: c.field, offset: c.offset };
    if (!Number.isSafeInteger(count) || count < 0) {
      throw this.error('bad-header', `${c.what} count ${count} is not a non-negative integer`, where);
    }
    const need = count * c.minBytesEach;
    if (need > c.available) {
      throw this.error(
        'truncated',
        `header claims ${count} ${c.what} of at least ${c.minBytesEach} bytes each (${need} bytes) but only ${c.available} bytes are present`,
        where,
      );
    }
    if (c.isPoints && count > this.maxPoints) {
      throw this.error('limit', `header claims ${count} ${c.what}, more than maxPoints = ${this.maxPoints}`, where);
    }
  }
}
