/**
 * Shortest decimal text that reads back as exactly the same float32 (6 to 9 significant digits).
 */
export function formatFloat32(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
  const f = Math.fround(v);
  if (Object.is(f, -0)) return '-0';
  if (Number.isInteger(f) && Math.abs(f) <= 16777216) return String(f);
  for (let p = 6; p < 9; p++) {
    const s = String(Number(f.toPrecision(p)));
    if (Math.fround(Number(s)) === f) return s;
  }
  return String(Number(f.toPrecision(9)));
}

/** Decimal text that reads back as exactly the same float64. */
export function formatFloat64(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
  return Object.is(v, -0) ? '-0' : String(v);
}
