#!/usr/bin/env node
/**
 * PCT in a browser: the viewer's default CPU path (onnxruntime-web wasm on the exported graph, via
 * src/worker/ort-runtime.ts) against raw onnxruntime-web on the same graph, input and threads, and
 * the tfjs-wasm model — in headless Chromium, in a Web Worker, in one page (bench/engines/).
 * Target (issue #8): Heed's browser path ≥ 1.0× onnxruntime-web wasm throughput.
 * Prints one JSON document (with a `table` for the workspace runner) on stdout, notes on stderr.
 * Usage (cwd apps/viewer): node bench/engines.bench.mjs [--quick]
 */
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { createServer } from 'vite';

const APP_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
const quick = process.argv.includes('--quick');
const note = (s) => process.stderr.write(`${s}\n`);

// The dev server compiles the bench page and worker from the workspace's TypeScript sources.
const server = await createServer({ root: APP_DIR, logLevel: 'warn', server: { port: 0, host: '127.0.0.1' } });
await server.listen();
const url = server.resolvedUrls?.local[0];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless=new', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
let result;
try {
  const page = await browser.newPage();
  page.on('console', (m) => m.type() === 'error' && note(`page: ${m.text()}`));
  page.on('pageerror', (e) => note(`page error: ${e.message}`));
  page.on('response', (r) => r.status() >= 400 && note(`page: ${r.status()} ${r.url()}`));
  await page.goto(`${url}bench/engines/index.html${quick ? '?quick' : ''}`);
  // The dev server may reload the page once after optimising newly found dependencies.
  for (let attempt = 0; !result; attempt++) {
    try {
      result = await page.evaluate(() => window.heedBench);
    } catch (error) {
      if (attempt >= 3 || !/context was destroyed|navigation/.test(error.message)) throw error;
      note('page reloaded (dependency optimisation); waiting again');
      await page.waitForLoadState('load');
    }
  }
} finally {
  await browser.close();
  await server.close();
}

const t = result.timings;
const HEED = 'heed (viewer ort-wasm path)', RAW = 'onnxruntime-web (wasm, raw)', TFJS = 'heed tfjs-wasm model';
const throughputRatio = +(t[RAW].medianMs / t[HEED].medianMs).toFixed(3);
const rows = Object.entries(t).map(([engine, v]) => [engine, v.medianMs, v.minMs, v.reps, +(t[RAW].medianMs / v.medianMs).toFixed(3)]);
console.log(JSON.stringify({
  title: 'PCT classification in headless Chromium (Web Worker): B = 1, N = 1024, 40 classes, FPS + kNN included',
  machine: { cpu: cpus()[0]?.model, cores: cpus().length, userAgent: result.userAgent, ortThreads: result.threads, crossOriginIsolated: result.crossOriginIsolated },
  timings: t,
  table: {
    columns: ['engine', 'median ms', 'min ms', 'reps', 'throughput vs raw onnxruntime-web'],
    rows,
  },
  targets: [{
    target: "Heed's browser path ≥ 1.0× onnxruntime-web wasm throughput (same graph, input, threads)",
    value: throughputRatio,
    pass: throughputRatio >= 1.0,
    note: 'both run the same onnxruntime-web build; the ratio is Heed\'s wrapper overhead (≈ 1.0 within noise)',
  }],
  alternative: { [TFJS]: t[TFJS] },
}, null, 2));
