/**
 * One (workload, engine) cell of engines.bench.mjs, run in its own child process so that
 * `process.resourceUsage().maxRSS` is that cell's peak. The parent has written the workload's
 * ONNX bytes and inputs into `dir`; the cell reads them, times the forward pass and reports back
 * over IPC. Only the engine's own packages are imported (dynamically), so an onnxruntime cell's
 * RSS holds no tfjs.
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { WORKLOADS } from './engine-workloads.mjs';

const MB = 2 ** 20;
const rssMB = () => +(process.memoryUsage().rss / MB).toFixed(1);
const peakRssMB = () => +(process.resourceUsage().maxRSS / 1024).toFixed(1); // maxRSS is in KiB

/** The workload's files in `dir`: its ONNX bytes and its inputs as plain { data, dims } tensors. */
export function readCase(dir, id) {
  const manifest = JSON.parse(readFileSync(join(dir, `${id}.json`), 'utf8'));
  const feeds = {};
  for (const [name, dims] of Object.entries(manifest.inputs)) {
    const buf = readFileSync(join(dir, `${id}.${name}.f32`));
    feeds[name] = { dims, data: new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4) };
  }
  return { manifest, feeds, onnx: () => new Uint8Array(readFileSync(join(dir, `${id}.onnx`))) };
}

/**
 * Runs `fn` `warmups` times (not counted; onnxruntime's first two runs are both slow here, e.g.
 * PCT B=1: 55, 65, then 22 ms; a second warm-up is skipped when the first took longer than
 * `slowMs`), then repeats it: as many reps as fit in `budgetMs`
 * judging by the first timed one, within [minReps, maxReps]; one rep when the first is slower
 * than `slowMs`. Returns median/min/max and the last run's result.
 */
export async function timeRuns(fn, { budgetMs, minReps = 3, maxReps = 20, slowMs, warmups = 2 }) {
  for (let i = 0; i < warmups; i++) {
    const t0 = performance.now();
    await fn();
    if (performance.now() - t0 > slowMs) break;
  }
  const ms = [];
  let last;
  const once = async () => {
    const t0 = performance.now();
    last = await fn();
    ms.push(performance.now() - t0);
  };
  await once();
  const reps = ms[0] > slowMs ? 1 : Math.max(minReps, Math.min(maxReps, Math.round(budgetMs / ms[0])));
  while (ms.length < reps) await once();
  const sorted = [...ms].sort((a, b) => a - b);
  const r = (x) => +x.toFixed(x < 10 ? 2 : 1);
  return { time: { medianMs: r(sorted[Math.floor(sorted.length / 2)]), minMs: r(sorted[0]), maxMs: r(sorted.at(-1)), reps: ms.length }, last };
}

/** How far an output is from the raw onnxruntime-node one (written by that cell, which runs first). */
function compare(dir, id, data) {
  const path = join(dir, `${id}.reference.f32`);
  if (!existsSync(path)) return undefined;
  const buf = readFileSync(path), ref = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  if (ref.length !== data.length) return { error: `${data.length} values, reference has ${ref.length}` };
  let maxAbs = 0, scale = 0;
  for (let i = 0; i < ref.length; i++) {
    maxAbs = Math.max(maxAbs, Math.abs(data[i] - ref[i]));
    scale = Math.max(scale, Math.abs(ref[i]));
  }
  return { maxAbsDiff: +maxAbs.toPrecision(3), maxAbsReference: +scale.toPrecision(3) };
}

// ---- engines --------------------------------------------------------------------------------------

async function tfjsCell(backend, workload, kase, timing) {
  const tf = await import('@tensorflow/tfjs-core');
  let adapter;
  if (backend === 'webgpu') {
    const { findWebGPU } = await import('@heed/testing');
    const found = await findWebGPU();
    if (typeof found === 'string') return { status: 'skipped', reason: found };
    adapter = found.description;
    await import('@tensorflow/tfjs-backend-webgpu');
  } else {
    await import(`@tensorflow/tfjs-backend-${backend}`);
  }
  if (!(await tf.setBackend(backend))) return { status: 'skipped', reason: `tfjs backend ${backend} did not initialise` };
  await tf.ready();
  const rssBeforeMB = rssMB();
  const model = await workload.build(tf);
  const feeds = Object.fromEntries(Object.entries(kase.feeds).map(([n, t]) => [n, tf.tensor(t.data, t.dims)]));
  const forward = async () => {
    const out = model.forward(feeds);
    const data = await out.data();
    out.dispose();
    return data;
  };
  let time, last, profile;
  if (timing.coldOnly) {
    // A forward of a minute or more: one profiled run is the measurement (cold, profiling included).
    const t0 = performance.now();
    profile = await tf.profile(async () => { last = await forward(); });
    const ms = +(performance.now() - t0).toFixed(0);
    time = { medianMs: ms, minMs: ms, maxMs: ms, reps: 1, cold: true };
  } else {
    // The warm-up run is also the profiled one: tf.profile gives the peak of live tensor bytes.
    profile = await tf.profile(forward);
    ({ time, last } = await timeRuns(forward, { ...timing, warmups: 1 }));
  }
  tf.dispose(Object.values(feeds));
  model.dispose();
  return { status: 'ok', time, output: last, rssBeforeMB, tfjsPeakTensorMB: +(profile.peakBytes / MB).toFixed(1), backend: tf.getBackend(), ...(adapter ? { adapter } : {}) };
}

/**
 * A Heed session and its run(): engine 'auto' is Heed's default CPU path in Node (ort-node);
 * 'ort-webgpu' is onnxruntime-web's WebGPU engine through Dawn (@heed/onnx prepares Node for it).
 */
const heedCell = (engine) => async (workload, kase, timing) => {
  const { createOnnxSession } = await import('@heed/onnx');
  const rssBeforeMB = rssMB();
  const session = await createOnnxSession(kase.onnx(), { engine });
  const forward = async () => (await session.run(kase.feeds))[workload.output].data;
  const { time, last } = await timeRuns(forward, timing);
  await session.release();
  return { status: 'ok', time, output: last, rssBeforeMB, engine: session.engine };
};

/** Whether Dawn finds an adapter here, and whether it is a software one (SwiftShader, llvmpipe, lavapipe, WARP). */
async function probeWebGPU() {
  const { findWebGPU } = await import('@heed/testing');
  const found = await findWebGPU();
  if (typeof found === 'string') return { status: 'skipped', reason: found };
  return { status: 'ok', adapter: found.description, software: /swiftshader|llvmpipe|lavapipe|warp/i.test(found.description) };
}

/** The baseline: onnxruntime-node used directly, on every logical core, the graph optimised. */
async function rawOrtNodeSession(ort, bytes) {
  return ort.InferenceSession.create(bytes, {
    intraOpNumThreads: availableParallelism(), graphOptimizationLevel: 'all', executionProviders: ['cpu'],
  });
}

const ortFeeds = (ort, feeds) => Object.fromEntries(Object.entries(feeds).map(([n, t]) => [n, new ort.Tensor('float32', t.data, t.dims)]));

async function rawOrtCell(ortModule, workload, kase, timing, create) {
  const ort = await import(ortModule);
  const rssBeforeMB = rssMB();
  const session = await create(ort, kase.onnx());
  const forward = async () => (await session.run(ortFeeds(ort, kase.feeds)))[workload.output].data;
  const { time, last } = await timeRuns(forward, timing);
  await session.release();
  return { status: 'ok', time, output: last, rssBeforeMB };
}

/** onnxruntime-web's wasm backend in Node, with as many wasm threads as logical cores. */
async function ortWebSession(ort, bytes) {
  ort.env.wasm.numThreads = availableParallelism();
  return ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
}

/**
 * Heed's session against the raw one in the same process, in alternating blocks (H R, R H, …):
 * the ratio of adjacent blocks' medians, median over the pairs, is the overhead figure — robust
 * to the machine's speed drifting. Runs alternating one by one interfere (the other session's
 * idle threads still spin), so each block first discards a few runs.
 */
async function pairCell(workload, kase, timing) {
  const ort = await import('onnxruntime-node');
  const { createOnnxSession } = await import('@heed/onnx');
  const bytes = kase.onnx();
  const heed = await createOnnxSession(bytes, { engine: 'auto' });
  const raw = await rawOrtNodeSession(ort, bytes);
  const runHeed = () => heed.run(kase.feeds);
  const runRaw = () => raw.run(ortFeeds(ort, kase.feeds));
  const t = async (fn) => { const t0 = performance.now(); await fn(); return performance.now() - t0; };
  const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  await runHeed(); await runHeed(); // two warm-ups each, as timeRuns gives
  await runRaw();
  const first = await t(runRaw);
  const discard = first > 100 ? 1 : 2; // the other session's threads spin for a few ms at most
  const perBlock = Math.max(2, Math.min(50, Math.round(timing.budgetMs / 8 / first)));
  const pairs = Math.max(3, Math.min(8, Math.round((2 * timing.budgetMs) / (2 * (perBlock + discard) * first))));
  const block = async (fn) => {
    for (let i = 0; i < discard; i++) await fn();
    const ms = [];
    for (let i = 0; i < perBlock; i++) ms.push(await t(fn));
    return med(ms);
  };
  const heedMs = [], rawMs = [], ratios = [];
  for (let i = 0; i < pairs; i++) {
    let h, r;
    if (i % 2) { h = await block(runHeed); r = await block(runRaw); } else { r = await block(runRaw); h = await block(runHeed); }
    heedMs.push(h); rawMs.push(r); ratios.push(h / r);
  }
  await heed.release(); await raw.release();
  return {
    status: 'ok', pairs, runsPerBlock: perBlock,
    heedMedianMs: +med(heedMs).toFixed(2), rawMedianMs: +med(rawMs).toFixed(2),
    ratioMedian: +med(ratios).toFixed(3), ratioMin: +Math.min(...ratios).toFixed(3), ratioMax: +Math.max(...ratios).toFixed(3),
  };
}

export const ENGINE_RUNNERS = {
  'tfjs-cpu': (w, k, t) => tfjsCell('cpu', w, k, t),
  'tfjs-wasm': (w, k, t) => tfjsCell('wasm', w, k, t),
  'tfjs-webgpu': (w, k, t) => tfjsCell('webgpu', w, k, t),
  'heed-ort-node': heedCell('auto'),
  'ort-webgpu': heedCell('ort-webgpu'),
  'webgpu-probe': probeWebGPU,
  'ort-node': (w, k, t) => rawOrtCell('onnxruntime-node', w, k, t, rawOrtNodeSession),
  'ort-web-wasm': (w, k, t) => rawOrtCell('onnxruntime-web', w, k, t, ortWebSession),
  pair: pairCell,
};

/** Child entry: run one cell, send its result to the parent, exit (ort-web's worker threads would keep the process alive). */
export async function cellMain({ workloadId, engine, dir, timing }) {
  let result;
  try {
    const workload = WORKLOADS.find((w) => w.id === workloadId);
    const kase = readCase(dir, workloadId);
    result = await ENGINE_RUNNERS[engine](workload, kase, timing);
    if (result.output) {
      if (engine === 'ort-node') writeFileSync(join(dir, `${workloadId}.reference.f32`), Buffer.from(result.output.buffer, result.output.byteOffset, result.output.byteLength));
      else result.vsReference = compare(dir, workloadId, result.output);
      delete result.output;
    }
  } catch (error) {
    result = { status: 'failed', error: String(error?.stack ?? error).split('\n').slice(0, 6).join('\n') };
  }
  result.peakRssMB = peakRssMB();
  process.send(result, () => process.exit(0));
}
