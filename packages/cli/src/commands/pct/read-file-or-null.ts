import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { ReadBytes } from '@heed/point-transformer';

/**
 * The Node `ReadBytes` of the pct commands: reads a path or a `file:` URL; a missing file is null
 * (so weights and class lists can be probed), any other failure an error naming the file.
 *
 * @example
 * ```ts
 * await readFileOrNull('models/none.pth'); // null
 * await readFileOrNull(new URL('pct-classification.safetensors', SHIPPED_WEIGHTS_BASE).href); // bytes, once shipped
 * ```
 */
export const readFileOrNull: ReadBytes = async (location) => {
  const path = location.startsWith('file:') ? fileURLToPath(location) : location;
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    if (code === 'EACCES' || code === 'EISDIR') throw new Error(`${path}: cannot read the file (${code})`);
    throw error;
  }
};
