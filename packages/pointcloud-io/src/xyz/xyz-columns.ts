import { columnRole } from '../point-assembler.js';

/** True when every value of column `c` (of `k`) is an integer in 0–255. */
function isByteColumn(values: Float64Array, rows: number, k: number, c: number): boolean {
  for (let i = 0; i < rows; i++) {
    const v = values[i * k + c];
    if (!(v >= 0 && v <= 255 && Number.isInteger(v))) return false;
  }
  return true;
}

function looksLikeColors(values: Float64Array, rows: number, k: number, from: number): boolean {
  if (rows === 0) return false;
  let big = false;
  for (let c = from; c < from + 3; c++) {
    if (!isByteColumn(values, rows, k, c)) return false;
    for (let i = 0; i < rows && !big; i++) big = values[i * k + c] > 1;
  }
  return big;
}

/**
 * Names the columns of an XYZ/TXT/CSV file that has no header, from their count and values:
 * 3 → x y z; 4 → x y z intensity; 6 → x y z + normals (ModelNet40 `x,y,z,nx,ny,nz`), or + red green
 * blue when those columns are all integers in 0–255 (and not all 0/1); 7 → x y z intensity r g b
 * (PTS); 9 → x y z with colours and normals in either order. Other columns are `column_<i>`.
 */
export function guessColumns(values: Float64Array, rows: number, k: number): string[] {
  const xyz = ['x', 'y', 'z'];
  const rgb = ['red', 'green', 'blue'];
  const normals = ['nx', 'ny', 'nz'];
  const rest = (from: number): string[] => Array.from({ length: k - from }, (_, i) => `column_${from + i}`);
  if (k === 3) return xyz;
  if (k === 4) return [...xyz, 'intensity'];
  if (k === 6) return [...xyz, ...(looksLikeColors(values, rows, k, 3) ? rgb : normals)];
  if (k === 7 && looksLikeColors(values, rows, k, 4)) return [...xyz, 'intensity', ...rgb];
  if (k === 9 && looksLikeColors(values, rows, k, 3)) return [...xyz, ...rgb, ...normals];
  if (k === 9) return [...xyz, ...normals, ...(looksLikeColors(values, rows, k, 6) ? rgb : rest(6))];
  return [...xyz, ...rest(3)];
}

/** True when a header row or comment names columns this package knows (x, y, z, nx, red, …). */
export function isColumnNameRow(tokens: string[]): boolean {
  return tokens.length >= 3 && tokens.some((t) => columnRole(t)?.slot === 'positions') && tokens.every((t) => /^[A-Za-z_][\w.]*$/.test(t));
}

/** Whether every value in colour columns is a byte (then colours are stored as Uint8Array). */
export function colorColumnsAreBytes(values: Float64Array, rows: number, k: number, columns: number[]): boolean {
  return columns.every((c) => isByteColumn(values, rows, k, c));
}
