import type { ParseContext } from '../context.js';
import { parseNumberToken } from './parse-number.js';

/** Options for {@link TextScanner}. */
export interface TextScannerOptions {
  /** `#` starts a comment that runs to the end of the line. */
  comments?: boolean;
  /** Commas separate tokens like blanks do (CSV). */
  commas?: boolean;
}

/** Where a value is read, for error messages. */
export interface TextSite {
  element?: string;
  field?: string;
  expected?: string;
}

const SPACE = 32, TAB = 9, LF = 10, VT = 11, FF = 12, CR = 13, COMMA = 44, HASH = 35;

/**
 * The tokenizer shared by every text format (PLY ascii, PCD ascii, XYZ/CSV, OFF). It works on a
 * latin1 string whose indices are byte offsets, keeps the line number, and can be used as a
 * token stream (`token`, `number`) or line by line (`seekLine`, `tokenOnLine`, `endLine`).
 * It never loops without consuming input.
 */
export class TextScanner {
  private pos = 0;
  private lineNo: number;
  private tokStart = 0;
  private tokLine = 1;
  private readonly comments: boolean;
  private readonly commas: boolean;

  constructor(
    private readonly text: string,
    private readonly ctx: ParseContext,
    /** Byte offset of `text[0]` in the file. */
    private readonly baseOffset = 0,
    firstLine = 1,
    options: TextScannerOptions = {},
  ) {
    this.lineNo = firstLine;
    this.comments = options.comments ?? false;
    this.commas = options.commas ?? false;
  }

  /** Byte offset of the next unread char. */
  get offset(): number {
    return this.baseOffset + this.pos;
  }

  /** Chars (bytes) not yet read. */
  get remainingChars(): number {
    return this.text.length - this.pos;
  }

  /** Current 1-based line number. */
  get line(): number {
    return this.lineNo;
  }

  /** Byte offset and line of the last token returned. */
  get lastToken(): { offset: number; line: number } {
    return { offset: this.baseOffset + this.tokStart, line: this.tokLine };
  }

  private isNewline(i: number): boolean {
    const c = this.text.charCodeAt(i);
    return c === LF || (c === CR && this.text.charCodeAt(i + 1) !== LF);
  }

  /** Skips blanks (and a comment) on the current line without consuming the line break. */
  private skipInline(): void {
    const t = this.text;
    const n = t.length;
    let p = this.pos;
    for (; p < n; p++) {
      const c = t.charCodeAt(p);
      if (c === SPACE || c === TAB || c === VT || c === FF || (c === COMMA && this.commas)) continue;
      if (c === CR && t.charCodeAt(p + 1) === LF) continue;
      if (c === HASH && this.comments) {
        while (p < n && !this.isNewline(p)) p++;
      }
      break;
    }
    this.pos = p;
  }

  /** True when only blanks/comments remain on the current line. */
  atLineEnd(): boolean {
    this.skipInline();
    return this.pos >= this.text.length || this.isNewline(this.pos);
  }

  /** True when nothing but blanks and comments remain. */
  atEnd(): boolean {
    while (this.atLineEnd()) {
      if (this.pos >= this.text.length) return true;
      this.pos++;
      this.lineNo++;
    }
    return false;
  }

  /** Moves past the end of the current line (ignoring what is left on it). */
  endLine(): void {
    const t = this.text;
    while (this.pos < t.length && !this.isNewline(this.pos)) this.pos++;
    if (this.pos < t.length) {
      this.pos++;
      this.lineNo++;
    }
  }

  /** Skips blank and comment-only lines; false at the end of the input. */
  seekLine(): boolean {
    return !this.atEnd();
  }

  /** The rest of the current line as raw text (used for header rows). */
  restOfLine(): string {
    const start = this.pos;
    while (this.pos < this.text.length && !this.isNewline(this.pos)) this.pos++;
    return this.text.slice(start, this.pos);
  }

  /** Next token on the current line, or undefined at the line end. */
  tokenOnLine(): string | undefined {
    if (this.atLineEnd()) return undefined;
    return this.readToken();
  }

  /** Next token, crossing line breaks; undefined at the end of the input. */
  token(): string | undefined {
    if (this.atEnd()) return undefined;
    return this.readToken();
  }

  private readToken(): string {
    const t = this.text;
    const start = this.pos;
    let p = start;
    for (; p < t.length; p++) {
      const c = t.charCodeAt(p);
      if (c <= SPACE || (c === COMMA && this.commas) || (c === HASH && this.comments)) break;
    }
    if (p === start) p++; // a control char on its own: consume it so we always advance
    this.pos = p;
    this.tokStart = start;
    this.tokLine = this.lineNo;
    return t.slice(start, p);
  }

  /** Parses `tok` as a number or throws a `bad-value` error at the token's location. */
  parse(tok: string, site: TextSite = {}): number {
    const v = parseNumberToken(tok);
    if (v === undefined) {
      const shown = tok.length > 32 ? `${tok.slice(0, 32)}…` : tok;
      throw this.ctx.error('bad-value', `"${shown}" is not a number`, { ...site, ...this.lastToken, expected: site.expected ?? 'a number' });
    }
    return v;
  }

  /** Reads the next number anywhere; throws `truncated` at the end of the input. */
  number(site: TextSite = {}): number {
    const tok = this.token();
    if (tok === undefined) {
      throw this.ctx.error('truncated', 'the text ends early', { ...site, offset: this.offset, line: this.lineNo, expected: site.expected ?? 'a number' });
    }
    return this.parse(tok, site);
  }

  /** Reads the next number on the current line; throws `bad-value` if the line ends first. */
  numberOnLine(site: TextSite = {}): number {
    const tok = this.tokenOnLine();
    if (tok === undefined) {
      throw this.ctx.error('bad-value', 'the line ends early', { ...site, offset: this.offset, line: this.lineNo, expected: site.expected ?? 'a number' });
    }
    return this.parse(tok, site);
  }

  /** Reads a non-negative integer count (e.g. a PLY list length). */
  count(site: TextSite = {}): number {
    const v = this.number(site);
    if (!Number.isSafeInteger(v) || v < 0) {
      throw this.ctx.error('bad-value', `count ${v} is not a non-negative integer`, { ...site, ...this.lastToken });
    }
    return v;
  }
}
