import type { ColormapName } from '@heed/point-transformer';
import { categoryColor, colormapLut, type DisplayRange, valueAt } from '../color/value-colors.js';

/** The CSS size of the gradient bar. */
const BAR_WIDTH = 320;
const BAR_HEIGHT = 12;
/** Where the five ticks sit along the bar. */
const TICKS = [0, 0.25, 0.5, 0.75, 1];
const STYLE_ID = 'heed-legend-style';

const STYLE = `
.heed-legend { color: #e6e6e6; font: 12px system-ui, sans-serif; width: ${BAR_WIDTH}px; }
.heed-legend-title { margin-bottom: 4px; }
.heed-legend-title small { color: #9aa0a6; margin-left: 6px; }
.heed-legend canvas { display: block; width: ${BAR_WIDTH}px; height: ${BAR_HEIGHT}px; border-radius: 2px; }
.heed-legend-ticks { position: relative; height: 16px; color: #9aa0a6; font-variant-numeric: tabular-nums; }
.heed-legend-ticks span { position: absolute; top: 2px; white-space: nowrap; transform: translateX(-50%); }
.heed-legend-ticks span:first-child { transform: none; }
.heed-legend-ticks span:last-child { transform: translateX(-100%); }
.heed-legend-categories { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 2px 10px; }
.heed-legend-categories li { display: flex; align-items: center; gap: 4px; }
.heed-legend-swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; }
`;

/** Adds the legend's stylesheet to the page once, however many legends render. */
function injectStyle(): void {
  if (document.getElementById(STYLE_ID)) return;
  const style = document.createElement('style');
  style.id = STYLE_ID;
  style.textContent = STYLE;
  document.head.append(style);
}

/**
 * A value in at most three significant digits: `toPrecision(3)`, or exponential for the tiny
 * non-zero values attention weights often are (where `toPrecision` would print a row of zeros).
 *
 * @example
 * ```ts
 * formatValue(0.0123); // '0.0123'
 * formatValue(0.00004567); // '4.57e-5'
 * formatValue(1234); // '1.23e+3'
 * ```
 */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v !== 0 && Math.abs(v) < 1e-3) return v.toExponential(2);
  return v.toPrecision(3);
}

function titleElement(title: string, note?: string): HTMLDivElement {
  const div = Object.assign(document.createElement('div'), { className: 'heed-legend-title', textContent: title });
  if (note) div.append(Object.assign(document.createElement('small'), { textContent: note }));
  return div;
}

/** A wrapper of our own, so the styles never touch the app's container. */
function panel(...children: HTMLElement[]): HTMLDivElement {
  const div = Object.assign(document.createElement('div'), { className: 'heed-legend' });
  div.append(...children);
  return div;
}

/** Paints the colormap left to right, one LUT entry per device pixel column. */
function gradientCanvas(colormap: ColormapName): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  const dpr = Math.max(1, window.devicePixelRatio || 1);
  canvas.width = Math.round(BAR_WIDTH * dpr);
  canvas.height = Math.round(BAR_HEIGHT * dpr);
  const ctx = canvas.getContext('2d');
  if (!ctx) return canvas;
  const lut = colormapLut(colormap);
  const last = lut.length / 3 - 1;
  const image = ctx.createImageData(canvas.width, canvas.height);
  const w = canvas.width;
  for (let x = 0; x < w; x++) {
    // Position t along the bar is the ramp position, whatever the scale: the scale lives in the ticks.
    const e = 3 * Math.round((w > 1 ? x / (w - 1) : 0) * last);
    for (let y = 0; y < canvas.height; y++) {
      const p = 4 * (y * w + x);
      image.data[p] = lut[e]!;
      image.data[p + 1] = lut[e + 1]!;
      image.data[p + 2] = lut[e + 2]!;
      image.data[p + 3] = 255;
    }
  }
  ctx.putImageData(image, 0, 0);
  return canvas;
}

/**
 * Replaces `container`'s content with a colour-bar legend: the title, the colormap's gradient
 * and five ticks at 0, ¼, ½, ¾ and 1 of the bar, valued through {@link valueAt} so a log scale
 * gets log-spaced tick values.
 *
 * @example
 * ```ts
 * renderLegend(document.getElementById('legend')!, {
 *   title: 'Attention from point 812, layer 2',
 *   range: { min: 1e-4, max: 0.02, scale: 'log' },
 *   colormap: 'viridis',
 * });
 * ```
 */
export function renderLegend(container: HTMLElement, options: { title: string; range: DisplayRange; colormap: ColormapName }): void {
  injectStyle();
  const { range, colormap } = options;
  const ticks = TICKS.map((t) => formatValue(valueAt(t, range)));
  const canvas = gradientCanvas(colormap);
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', `${colormap} colour scale (${range.scale}) from ${ticks[0]} to ${ticks[ticks.length - 1]}`);
  const row = Object.assign(document.createElement('div'), { className: 'heed-legend-ticks' });
  row.setAttribute('aria-hidden', 'true');
  TICKS.forEach((t, i) => {
    const span = Object.assign(document.createElement('span'), { textContent: ticks[i]! });
    span.style.left = `${t * 100}%`;
    row.append(span);
  });
  container.replaceChildren(panel(titleElement(options.title, range.scale === 'log' ? 'log scale' : undefined), canvas, row));
}

/**
 * Replaces `container`'s content with a categorical legend: a swatch ({@link categoryColor}) and
 * the name of each category in `present` (indices into `labels`), in the order given, once each.
 *
 * @example
 * ```ts
 * renderCategoryLegend(document.getElementById('legend')!, {
 *   title: 'Predicted parts (Airplane)',
 *   labels: ['body', 'wing', 'tail', 'engine'],
 *   present: [0, 1, 3],
 * });
 * ```
 */
export function renderCategoryLegend(container: HTMLElement, options: { title: string; labels: string[]; present: number[] }): void {
  injectStyle();
  const list = Object.assign(document.createElement('ul'), { className: 'heed-legend-categories' });
  list.setAttribute('aria-label', options.title);
  for (const k of new Set(options.present)) {
    const [r, g, b] = categoryColor(k);
    const swatch = Object.assign(document.createElement('span'), { className: 'heed-legend-swatch' });
    swatch.style.background = `rgb(${r}, ${g}, ${b})`;
    swatch.setAttribute('aria-hidden', 'true');
    // A model's label count can exceed the names the app knows: fall back to the index.
    const name = options.labels[k] ?? `category ${k}`;
    const item = document.createElement('li');
    item.append(swatch, Object.assign(document.createElement('span'), { textContent: name }));
    list.append(item);
  }
  container.replaceChildren(panel(titleElement(options.title), list));
}
