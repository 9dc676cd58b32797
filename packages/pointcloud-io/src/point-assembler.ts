import type { ParseContext } from './context.js';
import type { NumberSink } from './column-codec.js';
import { allocScalarArray, integerTypeMax, isIntegerType, type ScalarType } from './scalar-types.js';
import type { PointCloud, ScalarArray } from './types.js';

/** Which slot of a {@link PointCloud} a named per-point column fills. */
export type ColumnRole =
  | { slot: 'positions' | 'normals'; index: number }
  | { slot: 'colors'; index: number }
  | { slot: 'intensity' | 'labels' };

const ROLE_NAMES: Record<string, ColumnRole> = {};
const add = (names: string[], role: ColumnRole): void => names.forEach((n) => (ROLE_NAMES[n] = role));
add(['x'], { slot: 'positions', index: 0 });
add(['y'], { slot: 'positions', index: 1 });
add(['z'], { slot: 'positions', index: 2 });
add(['nx', 'normal_x', 'normalx'], { slot: 'normals', index: 0 });
add(['ny', 'normal_y', 'normaly'], { slot: 'normals', index: 1 });
add(['nz', 'normal_z', 'normalz'], { slot: 'normals', index: 2 });
add(['red', 'r', 'diffuse_red'], { slot: 'colors', index: 0 });
add(['green', 'g', 'diffuse_green'], { slot: 'colors', index: 1 });
add(['blue', 'b', 'diffuse_blue'], { slot: 'colors', index: 2 });
add(['alpha', 'a', 'diffuse_alpha'], { slot: 'colors', index: 3 });
add(['intensity', 'scalar_intensity', 'i'], { slot: 'intensity' });
add(['label', 'class', 'classification', 'scalar_label'], { slot: 'labels' });

/** The role a column name plays (case-insensitive), or undefined for a plain scalar field. */
export function columnRole(name: string): ColumnRole | undefined {
  const key = name.toLowerCase();
  return Object.prototype.hasOwnProperty.call(ROLE_NAMES, key) ? ROLE_NAMES[key] : undefined;
}

/** One per-point column as declared by a file. */
export interface ColumnSpec {
  name: string;
  /** The type values arrive in (decides the field array type and colour scaling). */
  type: ScalarType;
  /** PCD packed colour: the uint32 (or float-reinterpreted) `rgb` / `rgba` field. */
  packedColor?: 'rgb' | 'rgba';
  /** Padding (PCD `_`): decoded nowhere. */
  skip?: boolean;
}

/** Where to write column values: `array[offset + i * stride]` for point i. */
export interface ColumnSink {
  array: NumberSink;
  offset: number;
  stride: number;
}

/**
 * Maps the named columns of a file (PLY vertex properties, PCD fields, XYZ columns) onto the
 * slots of a {@link PointCloud}, allocates the arrays (after the caller has checked the count),
 * and gives one sink per column to decode into. Columns that do not form a full role group
 * (e.g. `nx` without `ny`, `nz`) become scalar fields.
 */
export class PointAssembler {
  /** One sink per column (undefined for skipped columns). */
  readonly sinks: (ColumnSink | undefined)[];
  private readonly cloud: PointCloud;
  private colorScale = 0;
  private packed?: { array: Float32Array | Uint32Array; kind: 'rgb' | 'rgba' };

  constructor(
    columns: ColumnSpec[],
    private readonly n: number,
    ctx: ParseContext,
  ) {
    const roles = columns.map((c) => (c.skip || c.packedColor ? undefined : columnRole(c.name)));
    const has = (slot: string, index?: number): boolean =>
      roles.some((r) => r?.slot === slot && (index === undefined || ('index' in r && r.index === index)));
    const useNormals = has('normals', 0) && has('normals', 1) && has('normals', 2);
    const useColors = has('colors', 0) && has('colors', 1) && has('colors', 2);
    const channels = useColors && has('colors', 3) ? 4 : 3;
    const colorTypes = columns.filter((_, i) => roles[i]?.slot === 'colors').map((c) => c.type);
    const colorsU8 = colorTypes.every((t) => t === 'uint8');
    this.cloud = { positions: new Float32Array(3 * n), fields: {} };
    const cloud = this.cloud;
    if (useNormals) cloud.normals = new Float32Array(3 * n);
    if (useColors) {
      cloud.colors = colorsU8 ? new Uint8Array(channels * n) : new Float32Array(channels * n);
      const intType = colorTypes.find((t) => t !== 'uint8' && isIntegerType(t));
      if (!colorsU8 && intType) this.colorScale = integerTypeMax(intType);
    }
    const axes = [false, false, false];
    const taken = new Set<string>();
    this.sinks = columns.map((c, i): ColumnSink | undefined => {
      if (c.skip) return undefined;
      const role = roles[i];
      const key = role ? `${role.slot}${'index' in role ? role.index : ''}` : '';
      if (role && !taken.has(key)) {
        if (role.slot === 'positions') {
          taken.add(key);
          axes[role.index] = true;
          return { array: cloud.positions, offset: role.index, stride: 3 };
        }
        if (role.slot === 'normals' && cloud.normals) {
          taken.add(key);
          return { array: cloud.normals, offset: role.index, stride: 3 };
        }
        if (role.slot === 'colors' && cloud.colors && role.index < channels) {
          taken.add(key);
          return { array: cloud.colors, offset: role.index, stride: channels };
        }
        if (role.slot === 'intensity') {
          taken.add(key);
          cloud.intensity = new Float32Array(n);
          return { array: cloud.intensity, offset: 0, stride: 1 };
        }
        if (role.slot === 'labels') {
          taken.add(key);
          cloud.labels = new Int32Array(n);
          return { array: cloud.labels, offset: 0, stride: 1 };
        }
      }
      if (c.packedColor && !useColors && !this.packed) {
        const array = c.type === 'float32' ? new Float32Array(n) : new Uint32Array(n);
        this.packed = { array, kind: c.packedColor };
        return { array, offset: 0, stride: 1 };
      }
      let name = c.name;
      for (let k = 1; cloud.fields![name] !== undefined; k++) name = `${c.name}_${k}`;
      const array: ScalarArray = allocScalarArray(c.type, n);
      cloud.fields![name] = array;
      return { array, offset: 0, stride: 1 };
    });
    if (!axes.every(Boolean)) {
      const missing = ['x', 'y', 'z'].filter((_, k) => !axes[k]).join(', ');
      ctx.warn(`no ${missing} column${missing.length > 1 ? 's' : ''}; those coordinates are set to 0`);
    }
  }

  /** The assembled cloud (unpacks packed colours and rescales integer colours to 0–1). */
  finish(): PointCloud {
    const cloud = this.cloud;
    if (this.colorScale > 0 && cloud.colors) {
      const c = cloud.colors;
      for (let i = 0; i < c.length; i++) c[i] /= this.colorScale;
    }
    if (this.packed) {
      const bits = this.packed.array instanceof Uint32Array ? this.packed.array : new Uint32Array(this.packed.array.buffer);
      const ch = this.packed.kind === 'rgba' ? 4 : 3;
      const colors = new Uint8Array(ch * this.n);
      for (let i = 0; i < this.n; i++) {
        const v = bits[i];
        colors[ch * i] = (v >>> 16) & 255;
        colors[ch * i + 1] = (v >>> 8) & 255;
        colors[ch * i + 2] = v & 255;
        if (ch === 4) colors[ch * i + 3] = v >>> 24;
      }
      cloud.colors = colors;
    }
    if (Object.keys(cloud.fields!).length === 0) delete cloud.fields;
    return cloud;
  }
}
