/**
 * End-to-end harness: serves the built site (`vite preview` on dist/) and drives Debian's
 * Chromium through playwright-core. Records every request and page error, so tests can assert
 * that nothing left the machine and nothing went wrong.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type Page, chromium } from 'playwright-core';
import { type PreviewServer, preview } from 'vite';
import { afterAll, beforeAll } from 'vitest';

export const APP_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Screenshots of every end-to-end test land here (git-ignored; CI keeps them as artifacts). */
export const ARTIFACTS = join(APP_DIR, 'test-output');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface Site {
  url: string;
  close(): Promise<void>;
}

/** Serves apps/viewer/dist on a free port. */
export async function serveSite(): Promise<Site> {
  if (!existsSync(join(APP_DIR, 'dist', 'index.html'))) throw new Error(`${APP_DIR}/dist is missing: build the viewer first (npx nx build viewer)`);
  const server: PreviewServer = await preview({ root: APP_DIR, logLevel: 'warn', preview: { port: 0, host: '127.0.0.1', open: false } });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview did not report its URL');
  return { url, close: () => server.close() };
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (see .ci/run)`);
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless=new', '--no-sandbox', '--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-angle=swiftshader', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/**
 * One served site and one Chromium for a test file: started before its tests, closed after them.
 * The returned holder is filled in `beforeAll`, so read it inside tests.
 *
 * @example
 * ```ts
 * const e2e = siteAndBrowser();
 * it('opens', async () => { const { page } = await openPage(e2e.browser, e2e.site.url); });
 * ```
 */
export function siteAndBrowser(): { site: Site; browser: Browser } {
  const holder = {} as { site: Site; browser: Browser };
  beforeAll(async () => {
    holder.site = await serveSite();
    holder.browser = await launchChromium();
  });
  afterAll(async () => {
    await holder.browser?.close();
    await holder.site?.close();
  });
  return holder;
}

/** What a page did: requests, errors, console errors. */
export interface PageLog {
  requests: string[];
  errors: string[];
  /** Every console line of the page and its workers, for failure messages. */
  console: string[];
}

export async function openPage(browser: Browser, url: string, viewport = { width: 1400, height: 900 }): Promise<{ page: Page; log: PageLog }> {
  const page = await browser.newPage({ viewport });
  const log: PageLog = { requests: [], errors: [], console: [] };
  page.on('request', (r) => log.requests.push(r.url()));
  page.on('pageerror', (e) => log.errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    log.console.push(`${m.type()}: ${m.text()}`);
    if (m.type() === 'error') log.errors.push(`console.error: ${m.text()}`);
  });
  page.on('worker', (w) => w.on('console', (m) => {
    log.console.push(`worker ${m.type()}: ${m.text()}`);
    if (m.type() === 'error') log.errors.push(`worker console.error: ${m.text()}`);
  }));
  await page.goto(url);
  return { page, log };
}

/** Waits for `<body data-heed-state>` to become `state` (or `error`, which throws with the panel's text). */
export async function waitForState(page: Page, state: 'ready' | 'error', timeout = 240_000): Promise<void> {
  await page.waitForFunction((want) => ['error', want].includes(document.body.dataset.heedState ?? ''), state, { timeout });
  const got = await page.evaluate(() => document.body.dataset.heedState);
  if (got !== state) {
    const message = await page.evaluate(() => document.getElementById('error-message')?.textContent ?? '');
    throw new Error(`page reached "${got}" instead of "${state}": ${message}`);
  }
}

/** Distinct RGB colours in the main canvas and a coarse fingerprint (a 32×32 grid of pixels). */
export async function canvasColours(page: Page): Promise<{ distinct: number; grid: number[] }> {
  return page.evaluate(() => {
    const source = document.getElementById('main-canvas') as HTMLCanvasElement;
    const c = document.createElement('canvas');
    c.width = source.width;
    c.height = source.height;
    const ctx = c.getContext('2d')!;
    ctx.drawImage(source, 0, 0);
    const { data } = ctx.getImageData(0, 0, c.width, c.height);
    const seen = new Set<number>();
    for (let i = 0; i < data.length; i += 4) seen.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
    const grid: number[] = [];
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 32; x++) {
        const o = 4 * (Math.floor(((y + 0.5) * c.height) / 32) * c.width + Math.floor(((x + 0.5) * c.width) / 32));
        grid.push(data[o]!, data[o + 1]!, data[o + 2]!);
      }
    }
    return { distinct: seen.size, grid };
  });
}

/**
 * The canvas once it shows at least `least` colours. Polled for a while: a loaded software GPU
 * process may drop the WebGL context once, and the view redraws when it is restored.
 */
export async function drawnColours(page: Page, log: PageLog, least = 16, timeout = 20_000): Promise<{ distinct: number; grid: number[] }> {
  const until = Date.now() + timeout;
  for (;;) {
    const colours = await canvasColours(page);
    if (colours.distinct >= least) return colours;
    if (Date.now() > until) throw new Error(`the canvas shows ${colours.distinct} colours, expected ≥ ${least}; page console:\n${log.console.join('\n')}`);
    await page.waitForTimeout(250);
  }
}

/** Requests that left the site (anything but its own origin, blob: and data:). */
export function offSiteRequests(log: PageLog, siteUrl: string): string[] {
  const origin = new URL(siteUrl).origin;
  return log.requests.filter((r) => !r.startsWith(origin) && !r.startsWith('blob:') && !r.startsWith('data:'));
}
