/**
 * The one error class this package throws for bad input.
 *
 * @packageDocumentation
 */

/**
 * What kind of problem a {@link PointCloudError} reports.
 *
 * @example
 * ```ts
 * if (err instanceof PointCloudError && err.code === 'truncated') retryDownload();
 * ```
 */
export type PointCloudErrorCode =
  /** The data ends before the header says it should. */
  | 'truncated'
  /** The header is malformed or inconsistent. */
  | 'bad-header'
  /** A value in the body cannot be parsed or is out of range. */
  | 'bad-value'
  /** A size cap (`maxPoints`, `maxBytes`) or a sanity bound was exceeded. */
  | 'limit'
  /** A coordinate is NaN or infinite and `nonFinite: 'error'` was asked for. */
  | 'non-finite'
  /** The file holds no points. */
  | 'empty'
  /** A valid file uses a feature this package does not read. */
  | 'unsupported'
  /** Compressed data does not decode. */
  | 'corrupt'
  /** A caller passed an argument this package cannot use (e.g. an inconsistent PointCloud). */
  | 'invalid-argument';

/**
 * Where in the input a {@link PointCloudError} happened; every part is optional.
 *
 * @example
 * ```ts
 * const where: PointCloudErrorLocation = { fileName: 'a.ply', element: 'vertex', offset: 120 };
 * ```
 */
export interface PointCloudErrorLocation {
  /** The file name given in the read options (or `<buffer>`). */
  fileName?: string;
  /** The format being read, e.g. `ply`. */
  format?: string;
  /** The element (PLY element, PCD section, LAS record block…) being read. */
  element?: string;
  /** The field or property being read. */
  field?: string;
  /** Byte offset into the input where the problem was found. */
  offset?: number;
  /** 1-based line number for text formats. */
  line?: number;
  /** What was expected there, in words. */
  expected?: string;
}

/**
 * Error thrown for truncated, corrupt, hostile or unsupported input and for invalid arguments.
 * The message names the file, the element/field and the byte offset; the same facts are
 * available as properties.
 *
 * @example
 * ```ts
 * import { readPly, PointCloudError } from '@heed/pointcloud-io';
 * try {
 *   readPly(bytes, { fileName: 'scan.ply' });
 * } catch (e) {
 *   if (e instanceof PointCloudError) console.error(e.code, e.element, e.offset, e.message);
 * }
 * ```
 */
export class PointCloudError extends Error {
  override readonly name = 'PointCloudError';
  readonly code: PointCloudErrorCode;
  readonly fileName: string;
  readonly format?: string;
  readonly element?: string;
  readonly field?: string;
  readonly offset?: number;
  readonly line?: number;
  readonly expected?: string;
  /** The problem in words, without the location prefix. */
  readonly detail: string;

  constructor(code: PointCloudErrorCode, detail: string, where: PointCloudErrorLocation = {}, options?: { cause?: unknown }) {
    super(formatMessage(detail, where), options);
    this.code = code;
    this.detail = detail;
    this.fileName = where.fileName ?? '<buffer>';
    this.format = where.format;
    this.element = where.element;
    this.field = where.field;
    this.offset = where.offset;
    this.line = where.line;
    this.expected = where.expected;
  }
}

function formatMessage(detail: string, w: PointCloudErrorLocation): string {
  const parts: string[] = [];
  if (w.format) parts.push(w.format.toUpperCase());
  if (w.element !== undefined) parts.push(`element "${w.element}"`);
  if (w.field !== undefined) parts.push(`field "${w.field}"`);
  if (w.offset !== undefined) parts.push(`at byte ${w.offset}`);
  if (w.line !== undefined) parts.push(`(line ${w.line})`);
  const where = parts.length > 0 ? ` ${parts.join(' ')}:` : '';
  const expected = w.expected !== undefined ? ` (expected ${w.expected})` : '';
  return `${w.fileName ?? '<buffer>'}:${where} ${detail}${expected}`;
}
