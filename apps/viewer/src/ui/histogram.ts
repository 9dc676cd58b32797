import type { ColormapName } from '@heed/point-transformer';
import { LOG_FLOOR, colormapLut, type DisplayRange, rangePosition, type ValueScale, valueAt } from '../color/value-colors.js';
import { formatValue } from './legend.js';

/**
 * A value extent: the data's, or a display range without its scale.
 *
 * @example
 * ```ts
 * const data: Extent = { min: 0, max: 0.05 };
 * ```
 */
export interface Extent { min: number; max: number }


/**
 * Counts `values` per bin over [lo, hi]: bins of equal width, in log space for a log scale (where
 * values ≤ 0 fall in the first bin). Values outside [lo, hi] land in the end bins; NaN is skipped.
 * Bins are closed on the left; the last one is closed on both sides. If hi ≤ lo, values > hi go
 * to the last bin and the rest to the first, as {@link rangePosition} places them.
 *
 * @example
 * ```ts
 * histogramBins([0, 1, 2.5, 9, 12, NaN], 0, 10, 5, 'linear'); // Uint32Array [2, 1, 0, 0, 2]
 * ```
 */
export function histogramBins(values: ArrayLike<number>, lo: number, hi: number, bins: number, scale: ValueScale): Uint32Array {
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`histogramBins: bins must be a positive integer, got ${bins}`);
  const counts = new Uint32Array(bins);
  const log = scale === 'log';
  // log2 keeps edges at powers of two exact; the base does not change which bin a value falls in.
  const f = (v: number) => (log ? Math.log2(Math.max(v, LOG_FLOOR)) : v);
  const a = f(lo), b = f(hi);
  const last = bins - 1;
  for (let i = 0, n = values.length; i < n; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) continue;
    let k: number;
    if (log && v <= 0) k = 0;
    else if (!(b > a)) k = f(v) > b ? last : 0;
    else {
      // Multiply before dividing: exact for the edges of simple ranges (0..10 in 5 bins).
      k = Math.floor(((f(v) - a) * bins) / (b - a));
      k = k < 0 ? 0 : k > last ? last : k;
    }
    counts[k]!++;
  }
  return counts;
}

/**
 * The value under pixel `x` of a plot `width` pixels wide spanning the data extent on the given
 * scale (x clamped to the plot): the inverse of `rangePosition(v, { ...data, scale }) * width`.
 *
 * @example
 * ```ts
 * handleValueAt(130, 260, { min: 0.001, max: 0.1 }, 'log'); // ≈ 0.01
 * ```
 */
export function handleValueAt(x: number, width: number, data: Extent, scale: ValueScale): number {
  const t = width > 0 ? Math.min(1, Math.max(0, x / width)) : 0;
  return valueAt(t, { min: data.min, max: data.max, scale });
}

/** Smallest distance between the handles, as a fraction of the plot, so min stays below max. */
const HANDLE_GAP = 1e-3;

/**
 * The display range after moving one handle to `value`: the value is held within the data extent
 * and kept at least 1/1000 of the plot from the other handle, so `min < max` always holds. The
 * other handle keeps its value unless it sat where the moved one could not stay clear of it.
 * `null` when there is nothing to drag over (an empty or single-valued extent).
 *
 * @example
 * ```ts
 * moveHandle('min', 0.5, { min: 0, max: 0.2, scale: 'linear' }, { min: 0, max: 1 }); // { min: 0.199, max: 0.2 }
 * ```
 */
export function moveHandle(handle: 'min' | 'max', value: number, range: DisplayRange, data: Extent): Extent | null {
  if (!(data.max > data.min) || Number.isNaN(value)) return null;
  const extent: DisplayRange = { min: data.min, max: data.max, scale: range.scale };
  const lo = valueAt(0, extent), hi = valueAt(1, extent);
  let v = Math.min(hi, Math.max(lo, value));
  let { min, max } = range;
  if (handle === 'min') {
    let tMax = rangePosition(max, extent);
    if (tMax < HANDLE_GAP) max = valueAt((tMax = HANDLE_GAP), extent);
    if (rangePosition(v, extent) > tMax - HANDLE_GAP) v = valueAt(tMax - HANDLE_GAP, extent);
    min = v;
  } else {
    let tMin = rangePosition(min, extent);
    if (tMin > 1 - HANDLE_GAP) min = valueAt((tMin = 1 - HANDLE_GAP), extent);
    if (rangePosition(v, extent) < tMin + HANDLE_GAP) v = valueAt(tMin + HANDLE_GAP, extent);
    max = v;
  }
  return min < max ? { min, max } : null;
}

/** CSS size of the canvas, the plot's horizontal inset (room to grab an end handle) and the bin count. */
const W = 260, H = 110, PAD = 8, PLOT_W = W - 2 * PAD, TOP = 10, BASE = H - 6, BINS = 64;
const ACCENT = '#4ea1ff', MUTED = '#9aa0a6', OUTSIDE = '#4a4e57';
const STYLE_ID = 'heed-histogram-style';
const STYLE = `
.heed-histogram { width: ${W}px; color: #e6e6e6; font: 12px system-ui, sans-serif; }
.heed-histogram canvas { display: block; width: ${W}px; height: ${H}px; background: #16181d; border-radius: 3px; touch-action: none; cursor: ew-resize; }
.heed-histogram canvas:focus-visible { outline: 2px solid ${ACCENT}; outline-offset: 1px; }
.heed-histogram-values { position: relative; height: 18px; color: ${MUTED}; font-variant-numeric: tabular-nums; }
.heed-histogram-values span { position: absolute; top: 2px; transform: translateX(-50%); white-space: nowrap; }
.heed-histogram-bar { display: flex; justify-content: space-between; align-items: center; color: ${MUTED}; }
.heed-histogram button { background: #1f2229; color: #e6e6e6; border: 1px solid #3a3f4a; border-radius: 3px; padding: 1px 8px; font: inherit; cursor: pointer; }
.heed-histogram button:hover { border-color: ${ACCENT}; }
`;

/**
 * A CloudCompare-style display-range editor: the histogram of the coloured values over their data
 * extent, bars inside the display range in the colormap's colours, and two handles (drag them, or
 * ←/→ for the minimum and Shift+←/→ for the maximum) that set the range.
 *
 * @example
 * ```ts
 * const histogram = new RangeHistogram(document.getElementById('histogram')!, {
 *   onRangeChange: ({ min, max }) => setDisplayRange({ min, max, scale: state.scale }),
 * });
 * histogram.update(weights, { min: 0, max: 0.05 }, { min: 0, max: 0.02, scale: 'linear' }, 'viridis');
 * ```
 */
export class RangeHistogram {
  private readonly canvas = document.createElement('canvas');
  private readonly minLabel = document.createElement('span');
  private readonly maxLabel = document.createElement('span');
  private readonly onRangeChange: (range: Extent) => void;
  private counts: Uint32Array = new Uint32Array(BINS);
  private data: Extent = { min: 0, max: 1 };
  private range: DisplayRange = { min: 0, max: 1, scale: 'linear' };
  private colormap: ColormapName = 'viridis';
  private drag: 'min' | 'max' | null = null;
  private pending: Extent | null = null;
  private frame = 0;

  constructor(container: HTMLElement, options: { onRangeChange: (range: Extent) => void }) {
    this.onRangeChange = options.onRangeChange;
    if (!document.getElementById(STYLE_ID)) {
      document.head.append(Object.assign(document.createElement('style'), { id: STYLE_ID, textContent: STYLE }));
    }
    const c = this.canvas, dpr = Math.max(1, window.devicePixelRatio || 1);
    [c.width, c.height] = [Math.round(W * dpr), Math.round(H * dpr)];
    c.tabIndex = 0;
    c.setAttribute('aria-label', 'Histogram of the coloured values; drag the handles to set the display range');
    c.title = '←/→ move the minimum, Shift+←/→ the maximum';
    const values = Object.assign(document.createElement('div'), { className: 'heed-histogram-values' });
    values.setAttribute('aria-live', 'polite');
    [this.minLabel.className, this.maxLabel.className] = ['heed-histogram-min', 'heed-histogram-max'];
    values.append(this.minLabel, this.maxLabel);
    const reset = Object.assign(document.createElement('button'), { type: 'button', textContent: 'Reset', title: 'Reset the display range to the data extent' });
    reset.addEventListener('click', () => this.emitNow({ min: this.data.min, max: this.data.max }));
    const bar = Object.assign(document.createElement('div'), { className: 'heed-histogram-bar' });
    bar.append(Object.assign(document.createElement('span'), { textContent: 'display range' }), reset);
    const root = Object.assign(document.createElement('div'), { className: 'heed-histogram' });
    root.append(c, values, bar);
    container.replaceChildren(root);
    c.addEventListener('pointerdown', (e) => this.pointerDown(e));
    c.addEventListener('pointermove', (e) => this.drag && this.dragTo(e));
    for (const type of ['pointerup', 'pointercancel'] as const) c.addEventListener(type, (e) => this.pointerUp(e));
    c.addEventListener('keydown', (e) => this.keyDown(e));
    this.draw();
  }

  /**
   * Re-bins `values` over the data extent and redraws. During a drag the handles keep their own
   * positions: the app's echo of an earlier frame's range would make them jump back.
   *
   * @example
   * ```ts
   * histogram.update(run.values, run.extent, state.range, state.colormap);
   * ```
   */
  update(values: ArrayLike<number>, data: Extent, range: DisplayRange, colormap: ColormapName): void {
    this.data = { min: data.min, max: data.max };
    this.range = this.drag ? { ...this.range, scale: range.scale } : { ...range };
    this.colormap = colormap;
    this.counts = histogramBins(values, data.min, data.max, BINS, range.scale);
    this.draw();
  }

  private get extent(): DisplayRange {
    return { min: this.data.min, max: this.data.max, scale: this.range.scale };
  }

  /** Canvas x (CSS px) of a value's handle. */
  private handleX(v: number): number {
    return PAD + rangePosition(v, this.extent) * PLOT_W;
  }

  private draw(): void {
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    const dpr = this.canvas.width / W;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, W, H);
    const lut = colormapLut(this.colormap), last = lut.length / 3 - 1;
    const peak = Math.max(1, ...this.counts), bw = PLOT_W / BINS;
    for (let i = 0; i < BINS; i++) {
      const n = this.counts[i]!;
      if (n === 0) continue;
      // Heavy-tailed weights leave most bins tiny next to the peak: give every non-empty bin a pixel.
      const h = Math.max(1, (n / peak) * (BASE - TOP));
      const centre = valueAt((i + 0.5) / BINS, this.extent);
      if (centre >= this.range.min && centre <= this.range.max) {
        const e = 3 * Math.round(rangePosition(centre, this.range) * last);
        ctx.fillStyle = `rgb(${lut[e]}, ${lut[e + 1]}, ${lut[e + 2]})`;
      } else ctx.fillStyle = OUTSIDE;
      ctx.fillRect(PAD + i * bw, BASE - h, Math.max(1, bw - 0.5), h);
    }
    ctx.fillStyle = MUTED;
    ctx.fillRect(PAD, BASE, PLOT_W, 1);
    for (const v of [this.range.min, this.range.max]) {
      const x = Math.round(this.handleX(v)) + 0.5;
      ctx.fillStyle = ACCENT;
      ctx.fillRect(x - 1, 2, 2, H - 4);
      ctx.fillRect(x - 3, 2, 6, 8); // the grip
    }
    this.placeLabels();
  }

  /** The min and max texts under their handles, held inside the panel and apart from each other. */
  private placeLabels(): void {
    this.minLabel.textContent = formatValue(this.range.min);
    this.maxLabel.textContent = formatValue(this.range.max);
    const half = 24;
    let a = Math.min(W - 3 * half, Math.max(half, this.handleX(this.range.min)));
    let b = Math.min(W - half, Math.max(3 * half, this.handleX(this.range.max)));
    if (b - a < 2 * half) {
      const mid = (a + b) / 2;
      a = mid - half;
      b = mid + half;
    }
    this.minLabel.style.left = `${a}px`;
    this.maxLabel.style.left = `${b}px`;
  }

  /** Pointer x in canvas CSS px, whatever CSS scaling the page applied. */
  private pointerX(e: PointerEvent): number {
    const rect = this.canvas.getBoundingClientRect();
    return ((e.clientX - rect.left) * W) / (rect.width || W);
  }

  private nearestHandle(x: number): 'min' | 'max' {
    const a = this.handleX(this.range.min), b = this.handleX(this.range.max);
    // Coinciding handles: left of them grabs the minimum, right of them the maximum.
    if (a === b) return x < a ? 'min' : 'max';
    return Math.abs(x - a) <= Math.abs(x - b) ? 'min' : 'max';
  }

  private pointerDown(e: PointerEvent): void {
    if (e.button !== 0 || !(this.data.max > this.data.min)) return;
    this.drag = this.nearestHandle(this.pointerX(e));
    try {
      this.canvas.setPointerCapture(e.pointerId);
    } catch { /* a synthetic event's pointer cannot be captured; the drag still works inside the canvas */ }
    this.canvas.focus();
    this.dragTo(e); // a click moves the nearest handle there
    e.preventDefault();
  }

  private pointerUp(e: PointerEvent): void {
    if (!this.drag) return;
    this.drag = null;
    if (this.canvas.hasPointerCapture(e.pointerId)) this.canvas.releasePointerCapture(e.pointerId);
    if (this.pending) this.emitNow(this.pending); // the final position, without waiting a frame
  }

  private dragTo(e: PointerEvent): void {
    const value = handleValueAt(this.pointerX(e) - PAD, PLOT_W, this.data, this.range.scale);
    const next = moveHandle(this.drag!, value, this.range, this.data);
    if (!next) return;
    this.range = { ...next, scale: this.range.scale };
    this.draw();
    // Pointer events can outpace the display: the app recolours at most once per frame.
    this.pending = next;
    this.frame ||= requestAnimationFrame(() => { this.frame = 0; if (this.pending) this.emitNow(this.pending); });
  }

  private keyDown(e: KeyboardEvent): void {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
    e.preventDefault();
    const handle = e.shiftKey ? 'max' : 'min';
    // One hundredth of the plot: of the extent on a linear scale, of its log extent on a log one.
    const t = rangePosition(this.range[handle], this.extent) + (e.key === 'ArrowRight' ? 0.01 : -0.01);
    const next = moveHandle(handle, valueAt(t, this.extent), this.range, this.data);
    if (next) this.emitNow(next);
  }

  private emitNow(next: Extent): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.pending = null;
    this.range = { ...next, scale: this.range.scale };
    this.draw();
    this.onRangeChange({ min: next.min, max: next.max });
  }
}
