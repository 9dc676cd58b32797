/**
 * Exports of what the viewer shows: the coloured cloud as PLY (with the shown values as a scalar
 * field), the values as CSV or JSON, safe file names, and the browser download itself. Everything
 * but {@link downloadBlob} is pure, so it runs (and is tested) without a DOM.
 *
 * @packageDocumentation
 */
import { writePly } from '@heed/pointcloud-io';

/**
 * The coloured cloud as shown: one colour and one value per input point.
 *
 * @example
 * ```ts
 * const c: ColoredCloudExport = { positions, colors, values: attention, valueName: 'attention' };
 * ```
 */
export interface ColoredCloudExport {
  /** x,y,z per point, length 3N. */
  positions: Float32Array;
  /** RGB 0–255 per point, length 3N. */
  colors: Uint8Array;
  /** One value per input point, length N. */
  values: Float32Array;
  /** The values' name, e.g. `attention`. */
  valueName: string;
}

/**
 * The values as CSV/JSON take them: points, values and facts about the view (model, layer, head,
 * query, mode, colormap…).
 *
 * @example
 * ```ts
 * const v: ValuesExport = { positions, values, valueName: 'attention', meta: { model: 'pct-classification', layer: 1 } };
 * ```
 */
export interface ValuesExport {
  positions: Float32Array;
  values: Float32Array;
  valueName: string;
  meta: Record<string, string | number>;
}

/** Property names PLY readers give a meaning of their own (case-insensitive). */
const PLY_RESERVED = new Set(['x', 'y', 'z', 'nx', 'ny', 'nz', 'normal_x', 'normal_y', 'normal_z', 'normalx', 'normaly', 'normalz',
  'red', 'green', 'blue', 'alpha', 'r', 'g', 'b', 'a', 'diffuse_red', 'diffuse_green', 'diffuse_blue', 'diffuse_alpha',
  'intensity', 'scalar_intensity', 'i', 'label', 'class', 'classification', 'scalar_label']);

/**
 * The PLY property name {@link coloredPly} stores the values under: `valueName` with every
 * character outside [A-Za-z0-9_] replaced by `_` (`value` when nothing is left), and `_value`
 * appended to names readers would take for coordinates, colours, normals, intensity or labels.
 *
 * @example
 * ```ts
 * plyPropertyName('attention'); // 'attention'
 * plyPropertyName('mean distance'); // 'mean_distance'
 * plyPropertyName('intensity'); // 'intensity_value'
 * ```
 */
export function plyPropertyName(valueName: string): string {
  const name = valueName.replace(/[^A-Za-z0-9_]/g, '_') || 'value';
  return PLY_RESERVED.has(name.toLowerCase()) ? `${name}_value` : name;
}

function checkLengths(positions: Float32Array, values: Float32Array, colors?: Uint8Array): number {
  const n = positions.length / 3;
  if (!Number.isInteger(n)) throw new RangeError(`positions has ${positions.length} numbers, not a multiple of 3`);
  if (values.length !== n) throw new RangeError(`${values.length} values for ${n} points`);
  if (colors && colors.length !== 3 * n) throw new RangeError(`${colors.length} colour bytes for ${n} points (RGB needs ${3 * n})`);
  return n;
}

/**
 * A binary little-endian PLY of the coloured cloud: x/y/z float, red/green/blue uchar and the
 * values as a float property named {@link plyPropertyName}(valueName), which CloudCompare and
 * MeshLab read as a scalar field.
 *
 * @example
 * ```ts
 * const bytes = coloredPly({ positions, colors, values, valueName: 'attention' });
 * downloadBlob(new Blob([bytes], { type: 'application/octet-stream' }), 'bunny_attention.ply');
 * ```
 */
export function coloredPly(c: ColoredCloudExport): Uint8Array {
  checkLengths(c.positions, c.values, c.colors);
  return writePly(
    { positions: c.positions, colors: c.colors, fields: { [plyPropertyName(c.valueName)]: c.values } },
    { format: 'binary_little_endian', comments: ['exported by the Heed viewer'] },
  );
}

/**
 * The shortest decimal text that reads back to the same float32 (`NaN`, `Infinity` as is).
 *
 * @example
 * ```ts
 * float32Text(Math.fround(0.1)); // '0.1'
 * ```
 */
export function float32Text(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const f = Math.fround(v);
  if (Object.is(f, -0)) return '-0';
  // Number() drops trailing zeros, so starting at 6 digits still gives the shortest text.
  for (let p = 6; p < 9; p++) {
    const t = Number(f.toPrecision(p));
    if (Math.fround(t) === f) return String(t);
  }
  return String(Number(f.toPrecision(9)));
}

function csvCell(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * CSV of the values: `# key: value` comment lines for `meta`, the header
 * `index,x,y,z,<valueName>`, then one row per point, numbers in their shortest float32 text.
 *
 * @example
 * ```ts
 * attentionCsv({ positions, values, valueName: 'attention', meta: { model: 'pct-classification', query: 700 } });
 * // '# model: pct-classification\n# query: 700\nindex,x,y,z,attention\n0,0.5,-1,2,0.001\n…'
 * ```
 */
export function attentionCsv(c: ValuesExport): string {
  const n = checkLengths(c.positions, c.values);
  const oneLine = (s: string): string => s.replace(/[\r\n]+/g, ' ');
  const lines = Object.entries(c.meta).map(([k, v]) => `# ${oneLine(k)}: ${oneLine(String(v))}`);
  lines.push(`index,x,y,z,${csvCell(oneLine(c.valueName))}`);
  const p = c.positions;
  for (let i = 0; i < n; i++) {
    lines.push(`${i},${float32Text(p[3 * i]!)},${float32Text(p[3 * i + 1]!)},${float32Text(p[3 * i + 2]!)},${float32Text(c.values[i]!)}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * JSON of the values: `{ ...meta, "count": n, "xyz": [[x,y,z],…], "<valueName>": […] }`, numbers
 * in their shortest float32 text (non-finite values become `null`).
 *
 * @example
 * ```ts
 * JSON.parse(attentionJson({ positions, values, valueName: 'attention', meta: { layer: 1 } })).attention[0];
 * ```
 */
export function attentionJson(c: ValuesExport): string {
  const n = checkLengths(c.positions, c.values);
  const num = (v: number): string => (Number.isFinite(v) ? float32Text(v) : 'null');
  const p = c.positions;
  const xyz = new Array<string>(n);
  const values = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    xyz[i] = `[${num(p[3 * i]!)},${num(p[3 * i + 1]!)},${num(p[3 * i + 2]!)}]`;
    values[i] = num(c.values[i]!);
  }
  const reserved = new Set(['count', 'xyz', c.valueName]);
  const meta = Object.entries(c.meta).filter(([k]) => !reserved.has(k)).map(([k, v]) => ` ${JSON.stringify(k)}: ${JSON.stringify(v)},\n`);
  // Numbers are written as text here: JSON.stringify would widen each float32 to 17 digits.
  return `{\n${meta.join('')} "count": ${n},\n "xyz": [\n  ${xyz.join(',\n  ')}\n ],\n ${JSON.stringify(c.valueName)}: [${values.join(',')}]\n}\n`;
}

/**
 * A safe download name `<sample>_<model>_<what>.<ext>`: the sample's file extension is dropped,
 * characters outside [A-Za-z0-9._-] become `_`, empty parts are skipped, and the name never
 * starts with a dot.
 *
 * @example
 * ```ts
 * exportFileName('bunny', 'pct-classification', 'layer1_query700', 'ply'); // 'bunny_pct-classification_layer1_query700.ply'
 * exportFileName('my scan.las', 'pct', 'attention', '.csv'); // 'my_scan_pct_attention.csv'
 * ```
 */
export function exportFileName(sample: string, model: string, what: string, ext: string): string {
  const clean = (s: string): string => s.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+|[._]+$/g, '');
  const stem = [sample.replace(/\.[A-Za-z0-9]{1,5}$/, ''), model, what].map(clean).filter((s) => s.length > 0).join('_').slice(0, 180) || 'heed-export';
  const extension = clean(ext.replace(/^\.+/, ''));
  return extension ? `${stem}.${extension}` : stem;
}

/**
 * Starts a browser download of `blob` named `fileName` (an object URL and a clicked
 * `<a download>`); the URL is revoked a little later.
 *
 * @example
 * ```ts
 * downloadBlob(new Blob([attentionCsv(v)], { type: 'text/csv' }), exportFileName('bunny', 'pct', 'query0', 'csv'));
 * ```
 */
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
