import { colorChannels, pointCount } from '../point-cloud.js';
import { scalarTypeOfArray, type ScalarType } from '../scalar-types.js';
import { formatFloat32, formatFloat64 } from '../text/format-number.js';
import type { PointCloud } from '../types.js';

/** One per-point column to write: values `array[offset + i * stride]`, stored as `type`. */
export interface OutColumn {
  name: string;
  type: ScalarType;
  array: ArrayLike<number>;
  offset: number;
  stride: number;
}

/** Column names a writer uses for the standard slots. */
export interface ColumnNames {
  normals: readonly [string, string, string];
  /** Write colours as separate red/green/blue[/alpha] columns (false: the writer packs them itself). */
  colors: boolean;
}

/**
 * The per-point columns of a cloud in writing order: x y z, normals, colours (uint8 or float32 as
 * stored), intensity (float32), label (int32), then every field with its own type.
 */
export function pointColumns(cloud: PointCloud, names: ColumnNames): OutColumn[] {
  const cols: OutColumn[] = [];
  const add = (name: string, type: ScalarType, array: ArrayLike<number>, offset = 0, stride = 1): void => {
    cols.push({ name, type, array, offset, stride });
  };
  ['x', 'y', 'z'].forEach((n, k) => add(n, 'float32', cloud.positions, k, 3));
  if (cloud.normals) names.normals.forEach((n, k) => add(n, 'float32', cloud.normals!, k, 3));
  const ch = colorChannels(cloud);
  if (names.colors && cloud.colors && ch) {
    const type = cloud.colors instanceof Uint8Array ? 'uint8' : 'float32';
    ['red', 'green', 'blue', 'alpha'].slice(0, ch).forEach((n, k) => add(n, type, cloud.colors!, k, ch));
  }
  if (cloud.intensity) add('intensity', 'float32', cloud.intensity);
  if (cloud.labels) add('label', 'int32', cloud.labels);
  for (const [name, a] of Object.entries(cloud.fields ?? {})) add(name, scalarTypeOfArray(a), a);
  return cols;
}

/** Text for one value of a column: shortest round-trip text for floats, integers as is. */
export function formatValue(v: number, type: ScalarType): string {
  if (type === 'float32') return formatFloat32(v);
  if (type === 'float64') return formatFloat64(v);
  return String(v);
}

/** Lines of text, one per point, values joined by `sep`. */
export function formatRows(cloud: PointCloud, cols: OutColumn[], sep: string): string[] {
  const n = pointCount(cloud);
  const lines = new Array<string>(n);
  const parts = new Array<string>(cols.length);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < cols.length; c++) {
      const col = cols[c];
      parts[c] = formatValue(col.array[col.offset + i * col.stride], col.type);
    }
    lines[i] = parts.join(sep);
  }
  return lines;
}
