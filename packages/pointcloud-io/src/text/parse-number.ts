/**
 * Parses one numeric token as written by point-cloud tools: decimal, exponent (`E`, and
 * Fortran `D`), `nan`, `inf`, `-inf`, `Infinity`. Returns undefined for anything else.
 */
export function parseNumberToken(tok: string): number | undefined {
  const v = +tok;
  if (v === v) return tok.length > 0 ? v : undefined;
  const l = tok.toLowerCase();
  switch (l) {
    case 'nan': case '-nan': case '+nan': case 'nan(ind)': case '-nan(ind)': case '1.#qnan': case '-1.#ind':
      return NaN;
    case 'inf': case '+inf': case 'infinity': case '+infinity': case '1.#inf':
      return Infinity;
    case '-inf': case '-infinity': case '-1.#inf':
      return -Infinity;
  }
  if (l.includes('d')) {
    const f = +l.replace('d', 'e');
    if (f === f) return f;
  }
  return undefined;
}
