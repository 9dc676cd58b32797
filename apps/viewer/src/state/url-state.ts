import { COLORMAP_NAMES, type ColormapName } from '@heed/point-transformer';
import { COLOR_MODES, type ColorMode } from '../color/attention-values.js';
import type { ValueScale } from '../color/value-colors.js';
import type { BackendChoice } from '../protocol.js';

/**
 * Everything a shared link restores. `query` indexes the INPUT cloud (as in `heed attention`),
 * `layer` is 1-based, `head` 0-based.
 */
export interface ViewState {
  /** A bundled/generated sample's name, or a loaded file's name. */
  sample: string;
  model: string;
  layer: number;
  head: number;
  query: number;
  colormap: ColormapName;
  backend: BackendChoice;
  mode: ColorMode;
  scale: ValueScale;
  /** A fixed display range; absent → each colouring's own min–max. */
  range?: [number, number];
}

/**
 * What a URL without parameters shows: the bunny, the shipped PCT on the fastest backend here,
 * layer 1, the first point, on a log scale (softmax weights span orders of magnitude; a linear
 * ramp shows one bright spot).
 */
export const DEFAULT_STATE: ViewState = {
  sample: 'bunny', model: 'pct-classification', layer: 1, head: 0, query: 0,
  colormap: 'viridis', backend: 'auto', mode: 'query', scale: 'log',
};

const BACKENDS: readonly BackendChoice[] = ['auto', 'webgpu', 'wasm', 'cpu', 'ort-wasm', 'ort-webgpu'];

/**
 * Reads the view state from a query string; a missing or invalid parameter takes its default and
 * is reported in `problems` (the page shows them), so a hand-edited link never breaks the app.
 *
 * @example
 * ```ts
 * parseViewState('?query=700&layer=2&colormap=turbo').state.query; // 700
 * ```
 */
export function parseViewState(search: string): { state: ViewState; problems: string[] } {
  const p = new URLSearchParams(search);
  const problems: string[] = [];
  const state: ViewState = { ...DEFAULT_STATE };
  const text = (key: 'sample' | 'model') => {
    const v = p.get(key);
    if (v !== null && v !== '') state[key] = v;
  };
  const int = (key: 'layer' | 'head' | 'query', min: number) => {
    const v = p.get(key);
    if (v === null) return;
    const n = Number(v);
    if (Number.isInteger(n) && n >= min) state[key] = n;
    else problems.push(`${key}=${v}: expected an integer ≥ ${min}; using ${state[key]}`);
  };
  const choice = <K extends 'colormap' | 'backend' | 'mode' | 'scale'>(key: K, options: readonly ViewState[K][]) => {
    const v = p.get(key);
    if (v === null) return;
    if ((options as readonly string[]).includes(v)) state[key] = v as ViewState[K];
    else problems.push(`${key}=${v}: expected one of ${options.join(', ')}; using ${state[key]}`);
  };
  text('sample');
  text('model');
  int('layer', 1);
  int('head', 0);
  int('query', 0);
  choice('colormap', COLORMAP_NAMES);
  choice('backend', BACKENDS);
  choice('mode', COLOR_MODES);
  choice('scale', ['linear', 'log']);
  const range = p.get('range');
  if (range !== null) {
    const [lo, hi] = range.split(',').map(Number);
    if (Number.isFinite(lo) && Number.isFinite(hi) && hi! > lo!) state.range = [lo!, hi!];
    else problems.push(`range=${range}: expected "min,max" with min < max; using each colouring's own range`);
  }
  return { state, problems };
}

/**
 * The query string of a state: every parameter except those equal to the default, in a fixed order.
 *
 * @example
 * ```ts
 * formatViewState({ ...DEFAULT_STATE, query: 700 }); // '?query=700'
 * ```
 */
export function formatViewState(state: ViewState): string {
  const p = new URLSearchParams();
  for (const key of ['sample', 'model', 'layer', 'head', 'query', 'colormap', 'backend', 'mode', 'scale'] as const) {
    if (state[key] !== DEFAULT_STATE[key]) p.set(key, String(state[key]));
  }
  if (state.range) p.set('range', `${state.range[0]},${state.range[1]}`);
  const s = p.toString();
  return s ? `?${s}` : '';
}
