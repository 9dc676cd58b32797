/**
 * The viewer's vision tab: an image of Heed's generated shape task with the shipped CBAM CNN's
 * spatial attention beside it (the worker draws the picture), a caption with the prediction, and
 * a new image on click, on the 'New image' button or on the key `n`.
 *
 * @packageDocumentation
 */
import type { VisionPicture } from '../protocol.js';

const THEME = { background: '#16181d', panel: '#1f2229', text: '#e6e6e6', accent: '#4ea1ff', error: '#ff8080' };

/** Largest on-screen size of the picture before CSS shrinks it to the tab's width. */
const MAX_CSS = { width: 960, height: 540 };

/**
 * The caption under a picture.
 *
 * @example
 * ```ts
 * visionCaption({ predicted: 'circle', truth: 'circle', seed: 3 }); // 'predicted: circle — truth: circle (seed 3)'
 * ```
 */
export function visionCaption(p: Pick<VisionPicture, 'predicted' | 'truth' | 'seed'>): string {
  return `predicted: ${p.predicted} — truth: ${p.truth} (seed ${p.seed})`;
}

/**
 * The whole-number factor a `width`×`height` picture is scaled up by on screen (at least 1), so
 * its pixels stay square and crisp under `image-rendering: pixelated`.
 *
 * @example
 * ```ts
 * visionScale(192, 96); // 5
 * ```
 */
export function visionScale(width: number, height: number): number {
  if (!(width > 0 && height > 0)) return 1;
  return Math.max(1, Math.floor(Math.min(MAX_CSS.width / width, MAX_CSS.height / height)));
}

/**
 * The vision tab, rendered into `container`. `getPicture(seed)` computes a picture (in the worker);
 * the tab shows seed 1 first and seed + 1 for every new image. While a picture is computing the
 * tab says so and ignores further requests; a failure shows in a `role="alert"` paragraph and the
 * tab stays usable. After each render `container.dataset.visionSeed` holds the seed shown.
 *
 * @example
 * ```ts
 * const tab = new VisionTab(document.querySelector('#vision')!, (seed) => worker.visionPicture(seed));
 * visionButton.addEventListener('click', () => void tab.show());
 * ```
 */
export class VisionTab {
  private readonly canvas: HTMLCanvasElement;
  private readonly caption: HTMLParagraphElement;
  private readonly alert: HTMLParagraphElement;
  private readonly button: HTMLButtonElement;
  /** The seed on screen (0: none yet). */
  private seed = 0;
  private pending: Promise<void> | undefined;
  private readonly onKey = (e: KeyboardEvent): void => {
    if (e.key !== 'n' || e.ctrlKey || e.metaKey || e.altKey || e.repeat || !this.isShown()) return;
    const t = e.target as HTMLElement | null;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    e.preventDefault();
    void this.next();
  };

  private readonly container: HTMLElement;
  private readonly getPicture: (seed: number) => Promise<VisionPicture>;

  constructor(container: HTMLElement, getPicture: (seed: number) => Promise<VisionPicture>) {
    this.container = container;
    this.getPicture = getPicture;
    const doc = container.ownerDocument;
    const el = <K extends keyof HTMLElementTagNameMap>(tag: K, css: string, text = ''): HTMLElementTagNameMap[K] => {
      const e = doc.createElement(tag);
      e.style.cssText = css;
      e.textContent = text;
      return e;
    };
    container.style.background = THEME.background;
    container.style.color = THEME.text;
    const panel = el('div', `background:${THEME.panel};padding:12px 16px;border-radius:6px;display:flex;flex-direction:column;gap:10px;align-items:flex-start`);
    const intro = el('p', 'margin:0;line-height:1.4',
      'A CBAM CNN trained by Heed on a generated shape task. Left: the image; right: its spatial attention. Click the image for a new one.');
    this.canvas = el('canvas', 'image-rendering:pixelated;cursor:pointer;max-width:100%;height:auto;background:#000;border-radius:4px');
    this.canvas.width = 0;
    this.canvas.height = 0;
    this.canvas.setAttribute('aria-label', 'The generated image and its spatial attention; click for a new image');
    this.caption = el('p', 'margin:0;font-variant-numeric:tabular-nums');
    this.caption.setAttribute('aria-live', 'polite');
    this.button = el('button', `background:${THEME.background};color:${THEME.accent};border:1px solid ${THEME.accent};border-radius:4px;padding:4px 12px;cursor:pointer;font:inherit`, 'New image');
    this.button.type = 'button';
    this.button.title = 'A new image (key: n)';
    this.alert = el('p', `margin:0;color:${THEME.error}`);
    this.alert.setAttribute('role', 'alert');
    this.alert.hidden = true;
    panel.append(intro, this.canvas, this.caption, this.button, this.alert);
    container.append(panel);
    this.canvas.addEventListener('click', () => void this.next());
    this.button.addEventListener('click', () => void this.next());
    doc.addEventListener('keydown', this.onKey);
  }

  /** Shows the tab's first picture (seed 1) the first time; later calls keep what is shown. */
  show(): Promise<void> {
    if (this.pending) return this.pending;
    return this.seed === 0 ? this.render(1) : Promise.resolve();
  }

  /** A new image (seed + 1); ignored while a picture is computing. */
  next(): Promise<void> {
    return this.pending ?? this.render(this.seed + 1);
  }

  /** Removes the tab's key listener (the elements stay). */
  dispose(): void {
    this.container.ownerDocument.removeEventListener('keydown', this.onKey);
  }

  private isShown(): boolean {
    return this.container.isConnected && !this.container.hidden && this.container.getClientRects().length > 0;
  }

  private render(seed: number): Promise<void> {
    this.setBusy(true);
    const shown = this.caption.textContent;
    this.caption.textContent = 'computing…';
    this.pending = (async () => {
      try {
        const picture = await this.getPicture(seed);
        this.draw(picture);
        this.seed = picture.seed;
        this.caption.textContent = visionCaption(picture);
        this.container.dataset.visionSeed = String(picture.seed);
        this.alert.hidden = true;
        this.alert.textContent = '';
      } catch (err) {
        this.caption.textContent = this.seed === 0 ? 'No image yet.' : shown;
        this.alert.textContent = `Could not draw the vision picture (seed ${seed}): ${err instanceof Error ? err.message : String(err)}`;
        this.alert.hidden = false;
      } finally {
        this.pending = undefined;
        this.setBusy(false);
      }
    })();
    return this.pending;
  }

  private draw(p: VisionPicture): void {
    if (!(Number.isInteger(p.width) && Number.isInteger(p.height) && p.width > 0 && p.height > 0) || p.rgba.length !== p.width * p.height * 4) {
      throw new Error(`bad picture: ${p.width}×${p.height} with ${p.rgba.length} RGBA bytes`);
    }
    const ctx = this.canvas.getContext('2d');
    if (!ctx) throw new Error('this browser gives no 2D canvas context');
    this.canvas.width = p.width;
    this.canvas.height = p.height;
    const image = ctx.createImageData(p.width, p.height);
    image.data.set(p.rgba);
    ctx.putImageData(image, 0, 0);
    const scale = visionScale(p.width, p.height);
    this.canvas.style.width = `${p.width * scale}px`;
  }

  private setBusy(busy: boolean): void {
    this.button.disabled = busy;
    this.canvas.style.cursor = busy ? 'progress' : 'pointer';
    this.container.setAttribute('aria-busy', String(busy));
  }
}
