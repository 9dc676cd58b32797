import type { PointCloudFormat } from './types.js';

const EXTENSIONS: Readonly<Record<string, PointCloudFormat>> = {
  ply: 'ply',
  pcd: 'pcd',
  off: 'off',
  las: 'las',
  laz: 'laz',
  xyz: 'xyz',
  txt: 'xyz',
  csv: 'xyz',
  pts: 'xyz',
  asc: 'xyz',
  xyzn: 'xyz',
  xyzrgb: 'xyz',
  pcd_ascii: 'pcd',
};

/**
 * The format a file name's extension suggests (`.copc.laz` → laz, `.txt`/`.csv` → xyz), if any.
 *
 * @example
 * ```ts
 * formatFromFileName('scans/lion.copc.laz'); // 'laz'
 * ```
 */
export function formatFromFileName(fileName: string | undefined): PointCloudFormat | undefined {
  const m = /\.([A-Za-z_]+)$/.exec(fileName ?? '');
  const ext = m?.[1].toLowerCase();
  return ext !== undefined && Object.prototype.hasOwnProperty.call(EXTENSIONS, ext) ? EXTENSIONS[ext] : undefined;
}

function startsWith(bytes: Uint8Array, text: string, at = 0): boolean {
  if (bytes.byteLength < at + text.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[at + i] !== text.charCodeAt(i)) return false;
  return true;
}

/** The first non-blank, non-comment word of the first 4 KiB (comments start with `#`). */
function firstWord(bytes: Uint8Array): string {
  const n = Math.min(bytes.byteLength, 4096);
  let i = 0;
  while (i < n) {
    while (i < n && (bytes[i] === 32 || bytes[i] === 9 || bytes[i] === 10 || bytes[i] === 13)) i++;
    if (bytes[i] === 35) {
      while (i < n && bytes[i] !== 10 && bytes[i] !== 13) i++;
      continue;
    }
    let j = i;
    while (j < n && bytes[j] > 32) j++;
    let w = '';
    for (let k = i; k < j && k < i + 32; k++) w += String.fromCharCode(bytes[k]);
    return w;
  }
  return '';
}

/** True when the first 4 KiB look like text (no NUL, few control bytes). */
function looksLikeText(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.byteLength, 4096);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i];
    if (b === 0) return false;
    if (b < 32 && b !== 9 && b !== 10 && b !== 13) control++;
  }
  return n > 0 && control <= n / 100;
}

/**
 * Sniffs the format of a file from its first bytes (`ply`, `LASF`, a PCD or OFF header), falling
 * back to the file name's extension, then to XYZ for anything that looks like text.
 * Returns undefined when nothing matches.
 *
 * @example
 * ```ts
 * detectFormat(new TextEncoder().encode('ply\nformat ascii 1.0\n')); // 'ply'
 * ```
 */
export function detectFormat(bytes: Uint8Array, fileName?: string): PointCloudFormat | undefined {
  if (startsWith(bytes, 'LASF')) return bytes.byteLength > 104 && (bytes[104] & 0xc0) !== 0 ? 'laz' : 'las';
  if (startsWith(bytes, 'ply') && (bytes[3] === 10 || bytes[3] === 13)) return 'ply';
  const word = firstWord(bytes);
  if (/^(VERSION|FIELDS)$/i.test(word)) return 'pcd';
  if (/^(ST)?C?N?4?n?OFF/.test(word)) return 'off';
  const byName = formatFromFileName(fileName);
  if (byName) return byName;
  if (startsWith(bytes, '# .PCD')) return 'pcd';
  return looksLikeText(bytes) ? 'xyz' : undefined;
}
