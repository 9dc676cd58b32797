#!/usr/bin/env node
/**
 * Big clouds stay interactive: a 1,000,000-point binary PLY to the first coloured frame (target
 * ≤ 2 s) and recolouring after a click (target ≤ 50 ms), in headless Chromium, on backend=wasm,
 * auto (the default: ort-wasm on a CPU) and webgpu (SwiftShader's software adapter here).
 *
 * - load: in the page, from the file input's `change` event to `<body data-heed-state>` becoming
 *   `ready` (read, parse in the worker, model run, nearest index, colours, draw issued), and on to
 *   the pixels (a 1-pixel readPixels returns once the software rasteriser has drawn that frame);
 *   the page is reloaded between repetitions; the app's own `heed.run.timings` come with it.
 * - recolour: `await heed.update({ query })` for 15 queries spread over the cloud (resolves once
 *   the frame's draw is issued), and real mouse clicks on the canvas: pointerup → the next `ready`
 *   (pick by ray over 1M points + recolour + frame); each also to its pixels.
 * - alternatives, same process: three.js PLYLoader.parse and Heed's readPointCloud on the same bytes
 *   in Node; brute-force nearest (transferNearest) over the same 1M positions from 64/256 sources.
 * - memory: the page's JS heap, Chromium's summed RSS, the worker's tfjs tensor count, Node's peak RSS.
 *
 * Prints one JSON document on stdout, notes on stderr; exits 1 only if the page errors.
 * Usage (cwd apps/viewer, after `npx vite build`): node bench/viewer.bench.mjs [--quick]
 */
import { existsSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { preview } from 'vite';
import { PLYLoader } from 'three/examples/jsm/loaders/PLYLoader.js';
import { readPointCloud } from '@heed/pointcloud-io';
import { transferNearest } from '@heed/point-transformer';
import { childrenRssMB, millionPly, prng, r1, stats, timed } from './million-ply.mjs';

const APP_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const quick = process.argv.includes('--quick');
const N = 1_000_000, LOAD_REPS = quick ? 1 : 3, RECOLOURS = 15, CLICKS = quick ? 3 : 6;
const TARGETS = { loadMs: 2000, recolourMs: 50 };
const FILE_INPUT = '#controls input[type=file][data-control="openFile"]';
const note = (s) => process.stderr.write(`${s}\n`);
const loadAtStart = +loadavg()[0].toFixed(2);

// ---- 1. the file, and the alternatives in Node on its bytes ------------------------------------
const plyPath = join(tmpdir(), 'heed-viewer-bench-million.ply');
const bytes = millionPly(plyPath, N);
note(`wrote ${plyPath}: ${(bytes.length / 2 ** 20).toFixed(1)} MiB, ${N} points`);
const arrayBuffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);

let plyPoints = 0, heedPoints = 0;
const plyLoader = await timed(() => { plyPoints = new PLYLoader().parse(arrayBuffer).getAttribute('position').count; }, 5);
const heedParser = await timed(async () => { heedPoints = (await readPointCloud(new Uint8Array(arrayBuffer), { fileName: 'million.ply' })).cloud.positions.length / 3; }, 5);
if (plyPoints !== N || heedPoints !== N) throw new Error(`parsers read ${plyPoints} / ${heedPoints} points, expected ${N}`);
note(`Node: PLYLoader.parse ${plyLoader.median} ms, readPointCloud ${heedParser.median} ms`);

const positions = (await readPointCloud(new Uint8Array(arrayBuffer), { fileName: 'million.ply' })).cloud.positions;
const bruteForce = {};
for (const m of [64, 256]) {
  const rand = prng(m);
  const sources = new Float32Array(3 * m), values = new Float32Array(m);
  for (let j = 0; j < m; j++) {
    const i = Math.floor(rand() * N);
    sources.set(positions.subarray(3 * i, 3 * i + 3), 3 * j);
    values[j] = rand();
  }
  bruteForce[m] = await timed(() => transferNearest(positions, sources, values), quick ? 1 : 3);
  note(`Node: transferNearest 1M × ${m} sources ${bruteForce[m].median} ms`);
}

// ---- 2. the site in Chromium --------------------------------------------------------------------
if (!existsSync(join(APP_DIR, 'dist', 'index.html'))) throw new Error(`${APP_DIR}/dist is missing: run npx vite build first`);
const server = await preview({ root: APP_DIR, logLevel: 'warn', preview: { port: 0, host: '127.0.0.1', open: false } });
const url = server.resolvedUrls?.local[0];
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  // The e2e harness's flags (Vulkan + SwiftShader give WebGPU its software adapter), plus exact heap sizes.
  args: ['--headless=new', '--no-sandbox', '--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-angle=swiftshader', '--enable-precise-memory-info',
    '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const pageErrors = [];

async function waitState(page, timeout) {
  await page.waitForFunction(() => ['ready', 'error'].includes(document.body.dataset.heedState ?? ''), null, { timeout });
  const state = await page.evaluate(() => document.body.dataset.heedState);
  if (state !== 'ready') throw new Error(`page reached "${state}": ${await page.locator('#error-message').textContent()}`);
}

const heapMB = (page) => page.evaluate(() => (performance.memory ? Math.round(performance.memory.usedJSHeapSize / 2 ** 20) : null));

/**
 * Records, in the page, the file input's change, pointerup, each later setting of data-heed-state,
 * and when the app asks for its frame (wraps heed.view.nextFrame: before it, the app's main-thread
 * work; after it, the wait for the browser's next frame, in which three.js issues the draw).
 * `ready` means the draw was issued; with `b.wantPixels` the first `ready` is followed by a 1-pixel
 * readPixels, which returns once the software rasteriser has finished that frame (`b.pixelsAt`).
 * `b.drain()` lets the previous interaction's GL work (main view and strip) finish first.
 */
function instrument() {
  const b = (globalThis.__bench = { states: [] });
  const view = heed.view, nextFrame = view.nextFrame, px = new Uint8Array(4);
  const finish = (canvas) => { const gl = canvas.getContext('webgl2'); gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, px); };
  b.pixels = () => { finish(view.canvas); return performance.now(); };
  b.drain = async () => {
    await new Promise((r) => setTimeout(r, 150));
    finish(view.canvas);
    finish(heed.strip.canvas);
    await new Promise(requestAnimationFrame);
  };
  view.nextFrame = function () { b.asked = performance.now(); return nextFrame.call(this); };
  document.addEventListener('change', (e) => { if (e.target.matches?.('[data-control="openFile"]')) b.change = performance.now(); }, true);
  addEventListener('pointerup', () => { b.up = performance.now(); }, true);
  new MutationObserver(() => {
    const state = document.body.dataset.heedState;
    b.states.push([state, performance.now()]);
    if (state === 'ready' && b.wantPixels) [b.wantPixels, b.pixelsAt] = [false, b.pixels()];
  }).observe(document.body, { attributes: true, attributeFilter: ['data-heed-state'] });
}

async function measure(backend) {
  const timeout = backend === 'webgpu' ? 600_000 : 180_000;
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (e) => pageErrors.push(`${backend} pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(`${backend} console.error: ${m.text()}`); });
  page.on('worker', (w) => w.on('console', (m) => { if (m.type() === 'error') pageErrors.push(`${backend} worker console.error: ${m.text()}`); }));
  await page.goto(`${url}?backend=${backend}`);
  const load = [], loadPixels = [], appTimings = [], memory = { runs: [] };
  let adapter;
  for (let rep = 0; rep < LOAD_REPS; rep++) {
    if (rep > 0) await page.reload();
    await waitState(page, timeout); // the bunny
    adapter = await page.locator('#status .report').first().textContent();
    const before = { heapMB: await heapMB(page), tensors: await page.evaluate(() => heed.worker.numTensors()) };
    await page.evaluate(instrument);
    await page.evaluate(() => { globalThis.__bench.wantPixels = true; });
    await page.locator(FILE_INPUT).setInputFiles(plyPath);
    await page.waitForFunction(() => { const b = globalThis.__bench; return b.states.some(([s]) => s === 'error') || (b.change !== undefined && b.pixelsAt !== undefined); }, null, { timeout });
    const { change, states, asked, pixelsAt } = await page.evaluate(() => globalThis.__bench);
    const [state, at] = states.find(([s]) => s === 'ready' || s === 'error');
    if (state !== 'ready') throw new Error(`${backend}: the 1M cloud ended in "${state}": ${await page.locator('#error-message').textContent()}`);
    const got = await page.evaluate(() => ({ count: heed.cloud.count, painted: heed.painted?.kind, layerPoints: heed.run.layerXyz.length / 3, timings: heed.run.timings }));
    if (got.count !== N) throw new Error(`${backend}: the page shows ${got.count} points, expected ${N}`);
    load.push(at - change);
    loadPixels.push(pixelsAt - change);
    appTimings.push({ ...Object.fromEntries(Object.entries(got.timings).map(([k, v]) => [k, r1(v)])), restMs: r1(at - change - got.timings.totalMs), firstFrameMs: r1(at - asked) });
    memory.layerPoints = got.layerPoints;
    memory.runs.push({ before, after: { heapMB: await heapMB(page), tensors: await page.evaluate(() => heed.worker.numTensors()), chromiumRssMB: childrenRssMB() } });
    note(`${backend} load ${rep + 1}/${LOAD_REPS}: ${r1(at - change)} ms to ready, ${r1(pixelsAt - change)} ms to pixels (${got.painted}; app run ${r1(got.timings.totalMs)} ms)`);
  }

  // Recolour by query: one warm-up, then 15 queries spread over the cloud, each once the previous
  // one's GL work (the main view and the small-multiples strip redrawn after it) has finished.
  const queries = Array.from({ length: RECOLOURS + 1 }, (_, i) => Math.floor(((i + 0.37) * N) / (RECOLOURS + 1)));
  const tensorsBefore = await page.evaluate(() => heed.worker.numTensors());
  const recolour = await page.evaluate(async (qs) => {
    const ms = [], paint = [], frame = [], pixels = [], b = globalThis.__bench;
    for (const query of qs) {
      await b.drain();
      const t = performance.now();
      await heed.update({ query });
      const end = performance.now();
      ms.push(end - t);
      paint.push(b.asked - t);
      frame.push(end - b.asked);
      pixels.push(b.pixels() - t);
    }
    return { ms, paint, frame, pixels, state: document.body.dataset.heedState };
  }, queries);
  if (recolour.state !== 'ready') throw new Error(`${backend}: recolouring ended in "${recolour.state}"`);
  const tensorsAfter = await page.evaluate(() => heed.worker.numTensors());
  note(`${backend} recolour: ${recolour.ms.map(r1).join(', ')} ms (first is the warm-up)`);

  // Real clicks: pointerup → the next data-heed-state = ready (set after the frame is drawn).
  const box = await page.locator('#main-canvas').boundingBox();
  const spots = [[0.5, 0.3], [0.3, 0.5], [0.7, 0.5], [0.5, 0.72], [0.38, 0.38], [0.62, 0.62], [0.45, 0.6], [0.58, 0.4]].slice(0, CLICKS);
  const clicks = [], clickPaint = [], clickPixels = [];
  let misses = 0;
  for (const [fx, fy] of spots) {
    await page.evaluate(async () => { const b = globalThis.__bench; await b.drain(); [b.states, b.up, b.pixelsAt, b.wantPixels] = [[], undefined, undefined, true]; });
    await page.mouse.click(box.x + fx * box.width, box.y + fy * box.height);
    const done = await page.waitForFunction(() => { const b = globalThis.__bench; return b.up !== undefined && (b.pixelsAt !== undefined || performance.now() - b.up > 3000); }, null, { timeout: 30_000 });
    await done.dispose();
    const { up, states, asked, pixelsAt } = await page.evaluate(() => globalThis.__bench);
    const ready = states.find(([s]) => s === 'ready');
    if (states.some(([s]) => s === 'error')) throw new Error(`${backend}: a click ended in "error"`);
    if (!ready) { misses++; continue; }
    clicks.push(ready[1] - up);
    clickPaint.push(asked - up);
    clickPixels.push(pixelsAt - up);
  }
  note(`${backend} clicks: ${clicks.map(r1).join(', ')} ms, ${misses} missed every point`);
  const tensorsAfterClicks = await page.evaluate(() => heed.worker.numTensors());
  // WebGL alone, synchronous and finished by a 1-pixel readPixels: drawing the 1M points into the
  // index image plus the colour pass (what a moved view costs), and the colour pass alone (what a
  // recolour costs on top of its texture upload).
  const draw = await page.evaluate(async () => {
    const view = heed.view, gl = view.renderer.getContext(), px = new Uint8Array(4), points = [], colourPass = [];
    for (const [reindex, ms] of [[true, points], [false, colourPass]]) {
      for (let i = 0; i < 3; i++) {
        await new Promise((r) => setTimeout(r, 300));
        const t = performance.now();
        view.render({ reindex });
        gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, px);
        ms.push(performance.now() - t);
      }
    }
    return { points, colourPass, renderer: gl.getParameter(gl.getExtension('WEBGL_debug_renderer_info')?.UNMASKED_RENDERER_WEBGL ?? gl.RENDERER) };
  });
  const drawMs = stats(draw.points), colourPassMs = stats(draw.colourPass);
  note(`${backend} WebGL: 1M points into the index image + colour pass ${drawMs.runs.join(', ')} ms; colour pass alone ${colourPassMs.runs.join(', ')} ms`);
  const heapAfterRecolours = await heapMB(page);
  await page.close();

  const loadStats = stats(load), loadPixelStats = stats(loadPixels);
  const recolourStats = {
    ...stats(recolour.ms.slice(1)), warmUpMs: r1(recolour.ms[0]), queries: queries.slice(1),
    appWorkBeforeFrameMs: stats(recolour.paint.slice(1)), waitForFrameMs: stats(recolour.frame.slice(1)), toPixelsMs: stats(recolour.pixels.slice(1)),
  };
  const clickStats = { ...stats(clicks), misses, pickAndAppWorkBeforeFrameMs: stats(clickPaint), toPixelsMs: stats(clickPixels) };
  return {
    backend,
    adapter: adapter?.split(' · ')[0],
    loadToFirstColouredFrameMs: loadStats,
    loadToFirstColouredPixelsMs: loadPixelStats,
    appTimings,
    recolourMs: recolourStats,
    clickToFrameMs: clickStats,
    webglDrawMs: { ...drawMs, webgl: draw.renderer, means: 'view.render({ reindex: true }): the 1M points drawn into the index image + the colour pass, then gl.readPixels(1 px), synchronous (no GPU here: software WebGL)' },
    webglColourPassMs: { ...colourPassMs, means: 'view.render(): the screen-sized colour pass alone (a recolour), then gl.readPixels(1 px)' },
    targets: {
      ...TARGETS,
      met: { load: loadStats.median <= TARGETS.loadMs, recolour: recolourStats.median <= TARGETS.recolourMs, click: clickStats.median !== null && clickStats.median <= TARGETS.recolourMs },
      metCountingRasterisation: { load: loadPixelStats.median <= TARGETS.loadMs, recolour: recolourStats.toPixelsMs.median <= TARGETS.recolourMs, click: clickStats.toPixelsMs.median !== null && clickStats.toPixelsMs.median <= TARGETS.recolourMs },
    },
    memory: { ...memory, heapMBAfterRecolours: heapAfterRecolours, workerTensors: { beforeRecolours: tensorsBefore, afterRecolours: tensorsAfter, afterClicks: tensorsAfterClicks, flat: tensorsBefore === tensorsAfter && tensorsAfter === tensorsAfterClicks } },
  };
}

const configurations = [];
let failed;
try {
  // HEED_BENCH_BACKENDS=wasm,auto limits the run (the SwiftShader WebGPU configuration takes minutes).
  const backends = (process.env.HEED_BENCH_BACKENDS ?? 'wasm,auto,webgpu').split(',');
  for (const backend of backends) configurations.push(await measure(backend));
} catch (e) {
  failed = e;
  pageErrors.push(`bench: ${e.message}`);
}
const chromiumVersion = browser.version();
await browser.close();
await server.close();

// ---- 3. the report ------------------------------------------------------------------------------
const ratio = (a, b) => (a == null || b == null ? null : +(a / b).toFixed(3));
const ratios = {
  heedReadPointCloudOverPLYLoader: { value: ratio(heedParser.median, plyLoader.median), means: "Heed's readPointCloud ÷ three.js PLYLoader.parse, both parse only in Node" },
};
for (const c of configurations) {
  ratios[c.backend] = {
    loadOverPLYLoaderParse: { value: ratio(c.loadToFirstColouredFrameMs.median, plyLoader.median), means: 'viewer load to first coloured frame (read + parse + model + index + frame) ÷ three.js PLYLoader.parse in Node (parse only)' },
    recolourOverBruteForce64: { value: ratio(c.recolourMs.median, bruteForce[64].median), means: 'heed.update({ query }) to frame ÷ transferNearest over 1M points from 64 sources in Node' },
    recolourOverBruteForce256: { value: ratio(c.recolourMs.median, bruteForce[256].median), means: 'heed.update({ query }) to frame ÷ transferNearest over 1M points from 256 sources in Node' },
    clickOverBruteForce256: { value: ratio(c.clickToFrameMs.median, bruteForce[256].median), means: 'click (pick + recolour + frame) ÷ transferNearest from 256 sources in Node' },
  };
}
console.log(JSON.stringify({
  bench: 'viewer: 1M-point binary PLY to first coloured frame, recolour per query/click, headless Chromium',
  machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, chromium: chromiumVersion, loadAverage1m: { start: loadAtStart, end: +loadavg()[0].toFixed(2), note: 'other work on the machine (above its core count: noisy numbers)' } },
  date: new Date().toISOString(),
  million: { file: plyPath, bytes: bytes.length, points: N, surface: 'noisy torus, mulberry32 seed 42, float xyz + uchar rgb, binary_little_endian' },
  configurations: configurations.map(({ memory, ...c }) => ({ ...c, ...(c.backend === 'webgpu' ? { label: 'WebGPU on SwiftShader (software adapter, CPU)' } : {}) })),
  alternatives: {
    load: {
      'three.js PLYLoader.parse in Node (parse only, no model, no render)': plyLoader,
      "Heed's readPointCloud in Node (parse only, no model, no render)": heedParser,
    },
    recolour: Object.fromEntries(Object.entries(bruteForce).map(([m, s]) => [`transferNearest (brute-force nearest, 1M targets × ${m} sources) in Node`, s])),
  },
  definitions: {
    ready: 'data-heed-state = ready / heed.update resolved: the app has issued the frame\'s draw (three.js render in requestAnimationFrame)',
    pixels: 'then a 1-pixel gl.readPixels returned: the (software) rasteriser has finished that frame',
    drain: 'before each recolour and click, the previous one\'s GL work (main view + small-multiples strip) is finished first',
  },
  ratios,
  memory: {
    page: Object.fromEntries(configurations.map((c) => [c.backend, c.memory])),
    note: 'heapMB: the page main thread performance.memory.usedJSHeapSize (not the worker); chromiumRssMB: summed VmRSS of the browser processes; tensors: the worker tfjs numTensors',
    nodePeakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  },
  errors: pageErrors,
}, null, 2));
if (failed || pageErrors.length) {
  note(`page errors: ${pageErrors.join('\n')}`);
  process.exitCode = 1;
}
