/** The page's lifecycle as tests and users see it: `<body data-heed-state>`. */
export type PageState = 'loading' | 'ready' | 'error';

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/**
 * The page's state attribute, progress bar, error panel and status line.
 *
 * @example
 * ```ts
 * const status = new PageStatus();
 * status.progress('reading bunny.ply', 0.4);
 * status.fail('bunny.ply', new Error('truncated'));
 * ```
 */
export class PageStatus {
  private readonly progressBox = byId<HTMLDivElement>('progress');
  private readonly progressLabel = byId<HTMLDivElement>('progress-label');
  private readonly progressBar = byId<HTMLProgressElement>('progress-bar');
  private readonly errorPanel = byId<HTMLDivElement>('error-panel');
  private readonly statusLine = byId<HTMLDivElement>('status');
  /** Called when the user dismisses the error panel. */
  onDismiss?: () => void;

  constructor() {
    byId<HTMLButtonElement>('error-dismiss').addEventListener('click', () => {
      this.errorPanel.hidden = true;
      this.onDismiss?.();
    });
  }

  set(state: PageState): void {
    document.body.dataset.heedState = state;
  }

  /** Shows a stage and, when known, how far it is (0–1). */
  progress(stage: string, fraction?: number): void {
    this.progressBox.hidden = false;
    this.progressLabel.textContent = stage;
    if (fraction === undefined) this.progressBar.removeAttribute('value');
    else this.progressBar.value = fraction;
  }

  done(): void {
    this.progressBox.hidden = true;
  }

  /** Shows the error panel (the app keeps its last good picture) and sets the page state to `error`. */
  fail(title: string, error: unknown): void {
    this.done();
    byId('error-title').textContent = title;
    byId('error-message').textContent = error instanceof Error ? error.message : String(error);
    this.errorPanel.hidden = false;
    this.set('error');
    console.warn(`[heed] ${title}:`, error);
  }

  /** A non-fatal notice in the status line (bad URL parameters, fallbacks). */
  notice(text: string): void {
    const p = Object.assign(document.createElement('div'), { className: 'notice', textContent: text });
    this.statusLine.append(p);
  }

  /** The status line: backend, adapter and timings. */
  report(parts: string[]): void {
    const line = Object.assign(document.createElement('div'), { className: 'report', textContent: parts.join(' · ') });
    this.statusLine.querySelector('.report')?.remove();
    this.statusLine.prepend(line);
  }

  get errorShown(): boolean {
    return !this.errorPanel.hidden;
  }
}

/**
 * Reads a File with progress (streamed, so a large scan shows how far it is).
 *
 * @example
 * ```ts
 * const bytes = await readFileWithProgress(file, (f) => status.progress(`reading ${file.name}`, f));
 * ```
 */
export async function readFileWithProgress(file: File, onProgress: (fraction: number) => void): Promise<Uint8Array> {
  const out = new Uint8Array(file.size);
  const reader = file.stream().getReader();
  let offset = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    out.set(value, offset);
    offset += value.length;
    onProgress(file.size ? offset / file.size : 1);
  }
  if (offset !== file.size) throw new Error(`${file.name}: read ${offset} of ${file.size} bytes`);
  return out;
}
