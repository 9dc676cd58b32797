/**
 * Five colormaps as compact lookup tables (evenly spaced sRGB stops, linearly interpolated), for
 * colouring attention weights without a plotting library.
 *
 * Sources of the stops (published values, sRGB bytes):
 * - `viridis`, `magma`: matplotlib's 256-entry tables (as d3-scale-chromatic ships them), every
 *   5th entry (52 stops, indices 0, 5, …, 255): interpolation stays within 1/255 of the full table.
 * - `turbo`: Google's 256-entry Turbo table (Mikhailov 2019), every 5th entry (within 1.2/255).
 * - `coolwarm`: Moreland's 33 control points ("Diverging Color Maps for Scientific
 *   Visualization", CoolWarmFloat33 — matplotlib's `coolwarm` is built from the same points).
 * - `grey`: black to white.
 */

/**
 * The colormaps {@link colormap} knows.
 *
 * @example
 * ```ts
 * const name: ColormapName = 'turbo';
 * ```
 */
export type ColormapName = 'viridis' | 'turbo' | 'magma' | 'coolwarm' | 'grey';

/**
 * Every {@link ColormapName}, in the order a CLI lists them.
 *
 * @example
 * ```ts
 * COLORMAP_NAMES.join('|'); // 'viridis|turbo|magma|coolwarm|grey'
 * ```
 */
export const COLORMAP_NAMES: readonly ColormapName[] = ['viridis', 'turbo', 'magma', 'coolwarm', 'grey'];

const STOPS: Record<ColormapName, string> = {
  viridis:
    '44015446085c471063481769481d6f482475472a7a46307e453781433d844142873f48893d4e8a3a538b38598c355e8d33638d31688e2e6d8e2c718e' +
    '2a768e297b8e27808e25848e23898e218e8d20928c1f978b1e9c891fa18821a58524aa8328ae802eb37c35b7793dbc7446c06f50c46a5ac86465cb5e' +
    '70cf577cd25089d54895d840a2da37b0dd2fbddf26cae11fd8e219e5e419f1e51dfde725',
  magma:
    '00000402020b0504160907200e0b2b140e361a104221114e29115a311165390f6e420f754a107952137c5a167e6219806a1c81721f81792282812581' +
    '892881912b81992d80a1307eaa337db2357bba3878c23b75ca3e72d2426fd9466be04c67e75263ec5860f1605df4695cf7725cf97b5dfb8560fc8e64' +
    'fd9869fea16efeaa74feb47bfebd82fec68afecf92fed89afde2a3fdebacfcf4b6fcfdbf',
  turbo:
    '30123b36215f3b2f803f3e9c424bb54559cb4666dd4773eb4680f6458cfd4099ff38a5fb2fb2f427bee91fc9dd1ad4d018ddc21ae4b622ebaa2ff19b' +
    '3ff68a52fa7a65fd6979fe598bff4b9cfe40a9fb39b7f735c3f134d0ea34dbe236e5d938eecf3af5c53afaba39fdae35fea130fe932afc8423f9751d' +
    'f46617ef5811e84b0ce14109d83706ce2d04c32503b71d02a916019b0f018b09027a0403',
  coolwarm:
    '3b4cc0445acc4d68d75775e16282ea6c8ef1779af782a5fb8db0fe98b9ffa3c2ffaec9fdb8d0f9c2d5f4ccd9eed5dbe6dddddde5d8d1ecd3c5f1ccb9' +
    'f5c4adf7bba0f7b194f7a687f49a7bf18d6fec7f63e57058de604dd55042cb3e38c0282fb40426',
  grey: '000000ffffff',
};

const decoded = new Map<ColormapName, Uint8Array>();

function stops(name: ColormapName): Uint8Array {
  let table = decoded.get(name);
  if (!table) {
    const hex = STOPS[name];
    if (hex === undefined) throw new Error(`unknown colormap '${String(name)}' (expected ${COLORMAP_NAMES.join(', ')})`);
    table = new Uint8Array(hex.length / 2);
    for (let i = 0; i < table.length; i++) table[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
    decoded.set(name, table);
  }
  return table;
}

/**
 * Whether `name` is one of the {@link COLORMAP_NAMES}.
 *
 * @example
 * ```ts
 * isColormapName('turbo'); // true
 * isColormapName('jet');   // false
 * ```
 */
export function isColormapName(name: string): name is ColormapName {
  return (COLORMAP_NAMES as readonly string[]).includes(name);
}

/**
 * The colour of `t` ∈ [0, 1] (clamped; NaN counts as 0) under a colormap, as sRGB bytes
 * `[r, g, b]`, linearly interpolated between the map's stops.
 *
 * @example
 * ```ts
 * colormapRGB('viridis', 0); // [68, 1, 84]    (#440154)
 * colormapRGB('viridis', 1); // [253, 231, 37] (#fde725)
 * ```
 */
export function colormapRGB(name: ColormapName, t: number): [number, number, number] {
  const out: [number, number, number] = [0, 0, 0];
  writeColormapRGB(stops(name), t, out, 0);
  return out;
}

/**
 * The colour of `t` as a CSS hex string `#rrggbb`.
 *
 * @example
 * ```ts
 * colormapHex('magma', 1); // '#fcfdbf'
 * ```
 */
export function colormapHex(name: ColormapName, t: number): string {
  return `#${colormapRGB(name, t).map((c) => c.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * A `size`-entry RGB table of a colormap ([size·3] bytes, entry i at t = i / (size − 1)), e.g. for
 * a WebGL texture or a shader uniform.
 *
 * @example
 * ```ts
 * const lut = colormapTable('turbo', 256); // Uint8Array(768)
 * ```
 */
export function colormapTable(name: ColormapName, size = 256): Uint8Array {
  if (!Number.isInteger(size) || size < 2) throw new Error(`colormapTable: size must be an integer ≥ 2, got ${size}`);
  const table = stops(name);
  const out = new Uint8Array(3 * size);
  for (let i = 0; i < size; i++) writeColormapRGB(table, i / (size - 1), out, 3 * i);
  return out;
}

/**
 * Writes the colour of `t` under the decoded stops `table` into `out[offset..offset + 2]`.
 *
 * @example
 * ```ts
 * const rgb = new Uint8Array(3);
 * writeColormapRGB(colormapStops('viridis'), 0.5, rgb, 0); // rgb ≈ #21918c
 * ```
 */
export function writeColormapRGB(table: Uint8Array, t: number, out: { [i: number]: number }, offset: number): void {
  const n = table.length / 3;
  const x = (Number.isNaN(t) ? 0 : Math.min(1, Math.max(0, t))) * (n - 1);
  const k = Math.min(n - 2, Math.floor(x));
  const f = x - k;
  for (let c = 0; c < 3; c++) {
    const a = table[3 * k + c]!, b = table[3 * (k + 1) + c]!;
    out[offset + c] = Math.round(a + (b - a) * f);
  }
}

/**
 * The decoded stops of a colormap (sRGB bytes, 3 per stop), for {@link writeColormapRGB}.
 *
 * @example
 * ```ts
 * colormapStops('grey'); // Uint8Array [0, 0, 0, 255, 255, 255]
 * ```
 */
export function colormapStops(name: ColormapName): Uint8Array {
  return stops(name);
}
