import { formatValue } from './legend.js';

/**
 * One attention layer's summary statistics.
 *
 * @example
 * ```ts
 * const stats: LayerStats = { name: 'pt_last.sa1', meanDistance: 0.21, entropy: 5.1 };
 * ```
 */
export interface LayerStats {
  /** The layer's name in the model (e.g. 'pt_last.sa1'). */
  name: string;
  /** Mean attention distance, in normalised-cloud units. */
  meanDistance: number;
  /** Mean attention entropy, in nats. */
  entropy: number;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
/** viewBox size and the plot's margins: room for both axes' ticks and titles, and the legend on top. */
const W = 260, H = 140, LEFT = 36, RIGHT = 36, TOP = 20, BOTTOM = 26;
const PLOT_W = W - LEFT - RIGHT, PLOT_H = H - TOP - BOTTOM;
const ACCENT = '#4ea1ff', ENTROPY = '#f2a65a', MUTED = '#9aa0a6', TEXT = '#e6e6e6';
const STYLE_ID = 'heed-layer-stats-style';
const STYLE = `
.heed-layer-stats { width: ${W}px; color: ${TEXT}; font: 12px system-ui, sans-serif; }
.heed-layer-stats svg { display: block; width: ${W}px; height: ${H}px; background: #16181d; border-radius: 3px; }
.heed-layer-stats svg text { font: 9px system-ui, sans-serif; fill: ${MUTED}; }
.heed-layer-stats svg text, .heed-layer-stats svg line, .heed-layer-stats svg polyline { pointer-events: none; }
.heed-layer-stats caption { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); }
.heed-layer-stats .column { fill: transparent; cursor: pointer; }
.heed-layer-stats .column:hover, .heed-layer-stats .column:focus-visible { fill: rgba(78, 161, 255, 0.08); outline: none; }
.heed-layer-stats .column.current { fill: rgba(78, 161, 255, 0.18); }
.heed-layer-stats table { width: 100%; margin-top: 4px; border-collapse: collapse; font-variant-numeric: tabular-nums; }
.heed-layer-stats th { color: ${MUTED}; font-weight: normal; text-align: left; }
.heed-layer-stats td, .heed-layer-stats th { padding: 1px 4px; }
.heed-layer-stats tr[aria-current] td { color: ${ACCENT}; }
`;

function el<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attributes)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Axis ticks in two significant digits: the table and the tooltips carry the precise values. */
const tick = (v: number) => String(Number(v.toPrecision(2)));

/** The top of an axis: the largest value, rounded up to 1, 2 or 5 × 10^k so the ticks read easily. */
function niceCeil(v: number): number {
  if (!(v > 0) || !Number.isFinite(v)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return ([1, 2, 5, 10].find((m) => m * p >= v * (1 - 1e-9)) ?? 10) * p;
}

/**
 * Replaces `container`'s content with a plot of per-layer attention statistics: the mean attention
 * distance (left axis, normalised-cloud units) and the entropy in nats (right axis, with a dashed
 * 'uniform' line at `maxEntropy` = ln N when given), the current layer highlighted, and a table of
 * the same numbers under it. Clicking a layer's column (or Enter/Space on it) calls `onPickLayer`.
 *
 * @example
 * ```ts
 * renderLayerStats(document.getElementById('layer-stats')!, {
 *   layers: [{ name: 'sa1', meanDistance: 0.21, entropy: 5.1 }, { name: 'sa2', meanDistance: 0.34, entropy: 5.9 }],
 *   current: 2,
 *   maxEntropy: Math.log(1024),
 *   onPickLayer: (layer) => setLayer(layer),
 * });
 * ```
 */
export function renderLayerStats(
  container: HTMLElement,
  options: { layers: LayerStats[]; current: number; maxEntropy?: number; onPickLayer: (layer: number) => void },
): void {
  if (!document.getElementById(STYLE_ID)) {
    document.head.append(Object.assign(document.createElement('style'), { id: STYLE_ID, textContent: STYLE }));
  }
  const { layers, current, maxEntropy, onPickLayer } = options;
  const root = Object.assign(document.createElement('div'), { className: 'heed-layer-stats' });
  if (layers.length === 0) {
    root.append(Object.assign(document.createElement('p'), { textContent: 'No layer statistics yet.' }));
    container.replaceChildren(root);
    return;
  }
  const finite = (xs: number[]) => xs.filter(Number.isFinite);
  const dTop = niceCeil(Math.max(0, ...finite(layers.map((l) => l.meanDistance))));
  const hTop = niceCeil(Math.max(0, ...finite([...layers.map((l) => l.entropy), maxEntropy ?? 0])));
  const band = PLOT_W / layers.length;
  // Coordinates to a tenth of a unit: plenty at this size, and the markup stays readable.
  const r = (v: number) => Math.round(v * 10) / 10;
  const x = (layer: number) => r(LEFT + (layer - 0.5) * band);
  const yD = (v: number) => r(TOP + PLOT_H * (1 - v / dTop));
  const yH = (v: number) => r(TOP + PLOT_H * (1 - v / hTop));

  const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'group', 'aria-label': 'Mean attention distance and entropy per layer; click a layer to show it' });
  // Columns first, so the series draw over them; each column is the click (and keyboard) target of its layer.
  layers.forEach((l, i) => {
    const layer = i + 1;
    const column = el('rect', { class: layer === current ? 'column current' : 'column', x: LEFT + i * band, y: TOP, width: band, height: PLOT_H + 12, tabindex: 0, role: 'button', 'aria-label': `Show layer ${layer} (${l.name})` });
    column.addEventListener('click', () => onPickLayer(layer));
    column.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        onPickLayer(layer);
      }
    });
    svg.append(column);
  });
  // Axes: left for distance, right for entropy, three ticks each.
  svg.append(el('line', { x1: LEFT, y1: TOP + PLOT_H, x2: W - RIGHT, y2: TOP + PLOT_H, stroke: MUTED, 'stroke-width': 0.5 }));
  for (const f of [0, 0.5, 1]) {
    svg.append(el('text', { x: LEFT - 3, y: yD(f * dTop) + 3, 'text-anchor': 'end' }, tick(f * dTop)));
    svg.append(el('text', { x: W - RIGHT + 3, y: yH(f * hTop) + 3 }, tick(f * hTop)));
  }
  svg.append(el('text', { transform: `translate(9 ${TOP + PLOT_H / 2}) rotate(-90)`, 'text-anchor': 'middle', style: `fill: ${ACCENT}` }, 'distance'));
  svg.append(el('text', { transform: `translate(${W - 4} ${TOP + PLOT_H / 2}) rotate(90)`, 'text-anchor': 'middle', style: `fill: ${ENTROPY}` }, 'entropy (nats)'));
  // Label every layer while they fit, else every other one.
  const every = layers.length > 12 ? Math.ceil(layers.length / 12) : 1;
  layers.forEach((_, i) => {
    if (i % every === 0 || i + 1 === current) {
      const style = i + 1 === current ? `fill: ${ACCENT}` : '';
      svg.append(el('text', { x: x(i + 1), y: TOP + PLOT_H + 10, 'text-anchor': 'middle', style }, String(i + 1)));
    }
  });
  svg.append(el('text', { x: LEFT + PLOT_W / 2, y: H - 3, 'text-anchor': 'middle' }, 'layer'));
  if (maxEntropy !== undefined && Number.isFinite(maxEntropy)) {
    const y = yH(maxEntropy);
    svg.append(el('line', { x1: LEFT, y1: y, x2: W - RIGHT, y2: y, stroke: ENTROPY, 'stroke-width': 0.75, 'stroke-dasharray': '3 3', opacity: 0.7 }));
    svg.append(el('text', { x: W - RIGHT - 2, y: y - 2, 'text-anchor': 'end', style: `fill: ${ENTROPY}` }, 'uniform'));
  }
  // The series: lines, then a marker per layer (circles for distance, squares for entropy, so colour is not the only cue).
  const series = (value: (l: LayerStats) => number, y: (v: number) => number, colour: string) =>
    el('polyline', {
      points: layers.map((l, i) => [x(i + 1), y(value(l))]).filter(([, v]) => Number.isFinite(v)).map((p) => p.join(',')).join(' '),
      fill: 'none', stroke: colour, 'stroke-width': 1.25,
    });
  svg.append(series((l) => l.meanDistance, yD, ACCENT), series((l) => l.entropy, yH, ENTROPY));
  layers.forEach((l, i) => {
    const layer = i + 1, big = layer === current;
    const tip = `layer ${layer} (${l.name}): mean distance ${l.meanDistance}, entropy ${l.entropy} nats`;
    if (Number.isFinite(l.meanDistance)) {
      const dot = el('circle', { cx: x(layer), cy: yD(l.meanDistance), r: big ? 3.5 : 2.5, fill: ACCENT, stroke: big ? TEXT : 'none' });
      dot.append(el('title', {}, tip));
      dot.addEventListener('click', () => onPickLayer(layer));
      svg.append(dot);
    }
    if (Number.isFinite(l.entropy)) {
      const s = big ? 6 : 4.5;
      const dot = el('rect', { x: x(layer) - s / 2, y: yH(l.entropy) - s / 2, width: s, height: s, fill: ENTROPY, stroke: big ? TEXT : 'none' });
      dot.append(el('title', {}, tip));
      dot.addEventListener('click', () => onPickLayer(layer));
      svg.append(dot);
    }
  });
  // Legend along the top.
  svg.append(
    el('line', { x1: LEFT, y1: 9, x2: LEFT + 12, y2: 9, stroke: ACCENT, 'stroke-width': 1.5 }),
    el('text', { x: LEFT + 15, y: 12 }, 'mean distance'),
    el('line', { x1: LEFT + 92, y1: 9, x2: LEFT + 104, y2: 9, stroke: ENTROPY, 'stroke-width': 1.5 }),
    el('text', { x: LEFT + 107, y: 12 }, 'entropy'),
  );
  root.append(svg, statsTable(layers, current));
  container.replaceChildren(root);
}

/** The same numbers as a table: readable by screen readers, copyable into a spreadsheet. */
function statsTable(layers: LayerStats[], current: number): HTMLTableElement {
  const table = document.createElement('table');
  table.append(Object.assign(document.createElement('caption'), { textContent: 'Per-layer attention statistics' }));
  const cells = (tag: 'th' | 'td', texts: string[]) => {
    const row = document.createElement('tr');
    for (const t of texts) row.append(Object.assign(document.createElement(tag), { textContent: t }));
    return row;
  };
  const head = document.createElement('thead');
  head.append(cells('th', ['layer', 'name', 'distance', 'entropy (nats)']));
  const body = document.createElement('tbody');
  layers.forEach((l, i) => {
    const row = cells('td', [String(i + 1), l.name, formatValue(l.meanDistance), formatValue(l.entropy)]);
    if (i + 1 === current) row.setAttribute('aria-current', 'true');
    body.append(row);
  });
  table.append(head, body);
  return table;
}
