import { COLORMAP_NAMES } from '@heed/point-transformer';
import { COLOR_MODES, type ColorMode } from '../color/attention-values.js';
import type { BackendChoice } from '../protocol.js';

/** Human names of the colour modes. */
export const MODE_LABELS: Record<ColorMode, string> = {
  query: 'Attention from the query',
  received: 'Attention received (column means)',
  rollout: 'Attention rollout (all layers)',
  parts: 'Predicted part labels',
  source: "Cloud's own colours / intensity",
};

/** The form controls of the side panel, by name. */
export interface Controls {
  sample: HTMLSelectElement;
  openFile: HTMLInputElement;
  model: HTMLSelectElement;
  openCheckpoint: HTMLInputElement;
  openOnnx: HTMLInputElement;
  category: HTMLSelectElement;
  backend: HTMLSelectElement;
  mode: HTMLSelectElement;
  layer: HTMLSelectElement;
  head: HTMLSelectElement;
  query: HTMLInputElement;
  colormap: HTMLSelectElement;
  scale: HTMLSelectElement;
  pointSize: HTMLInputElement;
  background: HTMLInputElement;
  smallMultiples: HTMLInputElement;
  eyeDome: HTMLInputElement;
}

/** The backend picker: `auto`, the tfjs backends, and onnxruntime running the model's ONNX export. */
const BACKEND_OPTIONS: [BackendChoice, string][] = [
  ['auto', 'auto (the fastest here)'],
  ['webgpu', 'webgpu (tfjs; falls back to wasm)'],
  ['wasm', 'wasm (tfjs, CPU)'],
  ['cpu', 'cpu (tfjs, plain JS)'],
  ['ort-wasm', 'ort-wasm (onnxruntime, CPU)'],
  ['ort-webgpu', 'ort-webgpu (onnxruntime, WebGPU)'],
];

function labelled(container: HTMLElement, label: string, control: HTMLElement, hint?: string): void {
  const row = document.createElement('label');
  row.className = 'control';
  row.append(Object.assign(document.createElement('span'), { textContent: label }), control);
  if (hint) row.title = hint;
  container.append(row);
}

function select(options: readonly (string | [string, string])[]): HTMLSelectElement {
  const s = document.createElement('select');
  setOptions(s, options);
  return s;
}

/**
 * Replaces a select's options: plain values, or [value, label] pairs.
 *
 * @example
 * ```ts
 * setOptions(controls.layer, [['1', 'layer 1 (pt_last.sa1)'], ['2', 'layer 2']]);
 * ```
 */
export function setOptions(s: HTMLSelectElement, options: readonly (string | [string, string])[], disabled: ReadonlySet<string> = new Set()): void {
  s.replaceChildren(...options.map((o) => {
    const [value, text] = typeof o === 'string' ? [o, o] : o;
    const option = Object.assign(document.createElement('option'), { value, textContent: text });
    option.disabled = disabled.has(value);
    return option;
  }));
}

function input(type: string, attributes: Record<string, string> = {}): HTMLInputElement {
  const i = document.createElement('input');
  i.type = type;
  for (const [k, v] of Object.entries(attributes)) i.setAttribute(k, v);
  return i;
}

/**
 * Builds the labelled controls of the side panel. The app fills the dynamic lists (samples,
 * models, layers, heads) and listens to the controls' `change` events.
 *
 * @example
 * ```ts
 * const controls = buildControls(document.getElementById('controls')!);
 * controls.layer.addEventListener('change', () => setLayer(Number(controls.layer.value)));
 * ```
 */
export function buildControls(container: HTMLElement): Controls {
  const c: Controls = {
    sample: select([]),
    openFile: input('file', { accept: '.ply,.pcd,.xyz,.txt,.csv,.pts,.off,.las,.laz', 'aria-label': 'Open a point-cloud file' }),
    model: select([]),
    openCheckpoint: input('file', { accept: '.safetensors,.pth,.t7,.pt', 'aria-label': 'Open a PCT checkpoint' }),
    openOnnx: input('file', { accept: '.onnx', 'aria-label': 'Open an ONNX model' }),
    category: select([]),
    backend: select(BACKEND_OPTIONS),
    mode: select(COLOR_MODES.map((m) => [m, MODE_LABELS[m]])),
    layer: select([]),
    head: select([]),
    query: input('number', { min: '0', step: '1', inputmode: 'numeric' }),
    colormap: select(COLORMAP_NAMES),
    scale: select([['linear', 'linear'], ['log', 'log']]),
    pointSize: input('range', { min: '0.25', max: '6', step: '0.25', value: '1' }),
    background: input('color', { value: '#16181d' }),
    smallMultiples: input('checkbox'),
    eyeDome: input('checkbox'),
  };
  c.smallMultiples.checked = true;
  c.eyeDome.checked = true;
  // Stable hooks for tests and user scripts.
  for (const [name, element] of Object.entries(c)) (element as HTMLElement).dataset.control = name;
  const group = (title: string) => {
    const fieldset = document.createElement('fieldset');
    fieldset.append(Object.assign(document.createElement('legend'), { textContent: title }));
    container.append(fieldset);
    return fieldset;
  };
  const data = group('Data');
  labelled(data, 'Sample', c.sample, 'bundled and generated clouds');
  labelled(data, 'Open file', c.openFile, 'or drop a file on the view');
  const model = group('Model');
  labelled(model, 'Model', c.model);
  labelled(model, 'Checkpoint', c.openCheckpoint, "a reference-port PCT checkpoint (PyTorch .pth/.t7 or safetensors)");
  labelled(model, 'ONNX model', c.openOnnx, 'any point model exported to ONNX (e.g. torch.onnx.export): its outputs named attention… are shown; or drop the file on the view');
  labelled(model, 'Category', c.category, 'object category fed to a part segmenter');
  labelled(model, 'Backend', c.backend);
  const colour = group('Colouring');
  labelled(colour, 'Colour by', c.mode);
  labelled(colour, 'Layer', c.layer, 'keys 1–9');
  labelled(colour, 'Head', c.head, 'keys [ and ]');
  labelled(colour, 'Query point', c.query, 'click a point, or type its index in the input cloud');
  labelled(colour, 'Colormap', c.colormap, 'key c');
  labelled(colour, 'Scale', c.scale, 'key l');
  const view = group('View');
  labelled(view, 'Point size', c.pointSize, 'keys + and −');
  labelled(view, 'Background', c.background);
  labelled(view, 'Eye-dome lighting', c.eyeDome, 'shades depth steps, as CloudCompare does; off shows the colours exactly (key e)');
  labelled(view, 'All layers strip', c.smallMultiples, 'key m');
  return c;
}
