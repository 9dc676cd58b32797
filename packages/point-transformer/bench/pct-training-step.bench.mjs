#!/usr/bin/env node
/**
 * One PCT optimisation step — training-mode forward (batch-statistics BatchNorm, dropout 0.5),
 * label-smoothing cross-entropy (ε 0.2), backward, Adam update (lr 1e-3, weight decay 1e-4) — for
 * the two configurations `heed train` runs: classification (N 256, stages {128, k 16} {64, k 16},
 * 10 classes, B 16) and segmentation (N 256, stages {all, k 16} twice, 13 parts, 5 categories,
 * B 8). Heed runs on tfjs-backend-wasm (single-threaded) exactly as trainer.ts's step does; the
 * named alternative is PyTorch float32 on the CPU (tools/bench/pct_train_step_pytorch.py, the
 * same model classes as the training-step parity fixture) at 1 thread and at every logical core,
 * measured in the same run. Each cell runs in its own process, so its peak RSS is its own.
 *
 * Prints one JSON document: per case Heed's and PyTorch's times (median/min/max ms per step, ms
 * per cloud), the ratios heedWasm / pytorch1Thread and heedWasm / pytorchAllThreads, Heed's
 * tf.memory().numTensors before and after the steps (must be flat), peak RSS, and a `table` for
 * tools/bench/run-benchmarks.mjs. No PyTorch (no python, no torch) is a column status, not an error.
 *
 * Usage: node bench/pct-training-step.bench.mjs [--quick]   (quick: 2 timed steps per cell, not 5)
 */
import { fork, spawn } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const PYTHON = '/usr/bin/python3';
const PYTORCH_SCRIPT = join(HERE, '..', '..', '..', 'tools', 'bench', 'pct_train_step_pytorch.py');
const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const REPS = quick ? 2 : 5;
const EPSILON = 0.2, LR = 1e-3;
const CASES = {
  classification: {
    label: 'PCT cls, 10 classes, B 16, N 256', task: 'classification', batch: 16, points: 256, numClasses: 10,
    stages: [{ numSamples: 128, k: 16 }, { numSamples: 64, k: 16 }],
  },
  segmentation: {
    label: 'PCT seg, 13 parts, 5 categories, B 8, N 256', task: 'segmentation', batch: 8, points: 256, numClasses: 13, numCategories: 5,
    stages: [{ numSamples: 'all', k: 16 }, { numSamples: 'all', k: 16 }],
  },
};
// A cell that takes longer than this is hung, not slow (a segmentation step took 6–10 s on the 2-core dev machine).
const TIMEOUT_S = quick ? 600 : 1800;

const peakRssMB = () => +(process.resourceUsage().maxRSS / 1024).toFixed(1); // maxRSS is in KiB
const round = (v) => +v.toFixed(v < 10 ? 2 : 1);

function stats(ms, batch) {
  const s = [...ms].sort((a, b) => a - b), median = s[Math.floor(s.length / 2)];
  return { medianMs: round(median), minMs: round(s[0]), maxMs: round(s.at(-1)), reps: s.length, msPerCloud: round(median / batch) };
}

// ---- Heed cell (a child process: its own peak RSS) --------------------------------------------

async function heedCell(id) {
  const rssBeforeMB = +(process.memoryUsage().rss / 2 ** 20).toFixed(1);
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-wasm');
  const pt = await import('@heed/point-transformer');
  if (!(await tf.setBackend('wasm'))) throw new Error('tfjs-backend-wasm did not initialise');
  await tf.ready();
  pt.registerTransposeFreeMatMulGradient(); // as trainPCT does: its matMul gradient, not tfjs' stock one
  const c = CASES[id], seg = c.task === 'segmentation', b = c.batch, n = c.points;
  const model = pt.createPCT({ variant: 'pct', task: c.task, numClasses: c.numClasses, seed: 1, stages: c.stages, ...(seg ? { numCategories: c.numCategories } : {}) });
  const variables = model.trainableVariables();
  const optimizer = new pt.PCTOptimizer(variables, { kind: 'adam' }); // weight decay 1e-4, PyTorch's Adam rule

  // One batch per step (warm-up included), generated before the clock as trainPCT's data is.
  const count = b * (REPS + 1), o = { count, seed: 1, points: n, rotation: 'up' };
  const set = seg ? pt.generateSegmentationSet(o) : pt.generateClassificationSet(o);
  const labelsAll = seg ? set.partLabels : set.labels, perCloud = seg ? n : 1;
  const batchAt = (i) => ({
    points: set.points.subarray(i * b * n * 3, (i + 1) * b * n * 3),
    labels: labelsAll.subarray(i * b * perCloud, (i + 1) * b * perCloud),
    categories: seg ? set.categories.subarray(i * b, (i + 1) * b) : undefined,
  });

  // trainer.ts's trainStep less its accuracy read-out (not part of the optimisation).
  const step = (batch, seed) => {
    const points = tf.tensor3d(batch.points, [b, n, 3]);
    const labels = tf.tensor1d(batch.labels, 'int32');
    const categories = batch.categories ? tf.tensor1d(batch.categories, 'int32') : undefined;
    const { value, grads } = tf.variableGrads(() => pt.labelSmoothingCrossEntropy(
      model.apply(points, { training: true, seed, ...(categories ? { categories } : {}) }), labels, EPSILON), variables);
    optimizer.apply(grads, LR);
    const loss = value.dataSync()[0];
    tf.dispose([value, points, labels, ...Object.values(grads), ...(categories ? [categories] : [])]);
    return loss;
  };

  const before = tf.memory().numTensors;
  const losses = [step(batchAt(0), 0)]; // warm-up: wasm memory growth, kernel set-up
  const ms = [];
  for (let i = 1; i <= REPS; i++) {
    const t0 = performance.now();
    losses.push(step(batchAt(i), i));
    ms.push(performance.now() - t0);
  }
  const after = tf.memory().numTensors;
  const result = {
    status: 'ok', backend: tf.getBackend(), time: stats(ms, b),
    params: variables.reduce((s, v) => s + v.size, 0),
    loss: { first: +losses[0].toFixed(4), last: +losses.at(-1).toFixed(4) },
    numTensors: { before, after, flat: before === after },
    rssBeforeMB, peakRssMB: peakRssMB(),
  };
  optimizer.dispose();
  model.dispose();
  return result;
}

function runHeedCell(id) {
  return new Promise((resolve) => {
    const child = fork(fileURLToPath(import.meta.url), ['--heed-cell', id, ...(quick ? ['--quick'] : [])], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    let result, stderr = '';
    // Whatever the cell logs goes to stderr: stdout carries only this script's JSON document.
    child.stdout.on('data', (d) => process.stderr.write(d));
    child.stderr.on('data', (d) => { stderr = (stderr + d).slice(-4000); process.stderr.write(d); });
    child.on('message', (m) => { result = m; });
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_S * 1000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(result ?? { status: 'failed', error: signal === 'SIGKILL' ? `timed out after ${TIMEOUT_S} s` : `exit ${code ?? signal}`, stderrTail: stderr.split('\n').slice(-8).join('\n') });
    });
  });
}

// ---- PyTorch cell -------------------------------------------------------------------------------

function runPytorchCell(id, threads) {
  const args = [PYTORCH_SCRIPT, '--case', id, '--reps', String(REPS), '--threads', threads.join(',')];
  return new Promise((resolve) => {
    const child = spawn(PYTHON, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: TIMEOUT_S * 1000 });
    let out = '', err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err = (err + d).slice(-4000); });
    // No python at all: 'error' (ENOENT) comes instead of a normal exit.
    child.on('error', (e) => resolve({ status: 'unavailable', reason: `${PYTHON} cannot start (${e.code ?? e.message})` }));
    child.on('close', (code, signal) => {
      try { resolve(JSON.parse(out.trim().split('\n').at(-1))); } catch {
        resolve({ status: 'failed', error: signal ? `killed by ${signal}` : `exit ${code}`, stderrTail: err.split('\n').slice(-8).join('\n') });
      }
    });
  });
}

// ---- report ------------------------------------------------------------------------------------

const fmtMs = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const why = (r) => `${r.status}: ${String(r.reason ?? r.error).split('\n')[0].slice(0, 100)}`;
const cell = (t) => (t ? `${fmtMs(t.medianMs)} (${fmtMs(t.minMs)}–${fmtMs(t.maxMs)}, ${t.reps}×; ${fmtMs(t.msPerCloud)}/cloud)` : '—');

function tables(results, allThreads) {
  const torchTime = (r, threads) => (r.pytorch.status === 'ok' ? r.pytorch.byThreads[String(threads)] : undefined);
  const torchCell = (r, threads) => (r.pytorch.status === 'ok' ? cell(torchTime(r, threads)) : why(r.pytorch));
  const ratio = (x) => (x === null ? '—' : `${x.toFixed(2)}×`);
  const timeRows = Object.entries(results).map(([id, r]) => [
    CASES[id].label, r.heedWasm.status === 'ok' ? cell(r.heedWasm.time) : why(r.heedWasm),
    torchCell(r, 1), torchCell(r, allThreads), ratio(r.ratios['heedWasm / pytorch1Thread']), ratio(r.ratios['heedWasm / pytorchAllThreads']),
  ]);
  const memRows = Object.entries(results).map(([id, r]) => {
    const h = r.heedWasm, p = r.pytorch;
    return [CASES[id].label,
      h.status === 'ok' ? `${Math.round(h.peakRssMB)} MB (${Math.round(h.rssBeforeMB)} MB at start)` : 'failed',
      h.status === 'ok' ? `${h.numTensors.before} → ${h.numTensors.after}${h.numTensors.flat ? '' : ' (LEAK)'}` : '—',
      p.status === 'ok' ? `${Math.round(p.peakRssMB)} MB` : '—',
      h.status === 'ok' && p.status === 'ok' ? `${h.params} / ${p.params}` : '—'];
  });
  return [
    { title: 'Training step (forward, loss, backward, Adam): median (min–max, reps; per cloud) · ratio = Heed median / PyTorch median',
      columns: ['workload', 'heed (tfjs-wasm, 1 thread)', 'PyTorch CPU, 1 thread', `PyTorch CPU, ${allThreads} threads`, 'heed / PyTorch 1 thread', `heed / PyTorch ${allThreads} threads`],
      rows: timeRows },
    { title: 'Memory: peak RSS of each cell\'s process; Heed\'s live tensors before → after the steps',
      columns: ['workload', 'heed peak RSS', 'heed tf.memory().numTensors', 'PyTorch peak RSS', 'parameters heed / PyTorch'], rows: memRows },
  ];
}

async function main() {
  const allThreads = availableParallelism();
  const threads = [...new Set([1, allThreads])];
  const loadStart = +loadavg()[0].toFixed(2);
  const results = {};
  // Heed then PyTorch per case, one cell at a time: two timed processes at once would skew both.
  for (const id of Object.keys(CASES)) {
    process.stderr.write(`${id}: heed (tfjs-wasm)…\n`);
    const heedWasm = await runHeedCell(id);
    process.stderr.write(`${id}: PyTorch (threads ${threads.join(', ')})…\n`);
    const pytorch = await runPytorchCell(id, threads);
    const over = (t) => (heedWasm.status === 'ok' && pytorch.status === 'ok' ? +(heedWasm.time.medianMs / pytorch.byThreads[String(t)].medianMs).toFixed(3) : null);
    results[id] = { heedWasm, pytorch, ratios: { 'heedWasm / pytorch1Thread': over(1), 'heedWasm / pytorchAllThreads': over(allThreads) } };
  }
  console.log(JSON.stringify({
    benchmark: 'PCT training step: forward (training mode, dropout 0.5) + label-smoothing CE (ε 0.2) + backward + Adam (lr 1e-3, weight decay 1e-4)',
    alternative: `PyTorch float32 on the CPU at 1 and ${allThreads} thread(s) (tools/bench/pct_train_step_pytorch.py)`,
    quick, repsPerCell: REPS, logicalCores: allThreads, configs: CASES,
    loadAverage1m: { start: loadStart, end: +loadavg()[0].toFixed(2) },
    results,
    table: tables(results, allThreads),
    notes: [
      'heed: trainer.ts\'s step (createPCT, registerTransposeFreeMatMulGradient, labelSmoothingCrossEntropy, PCTOptimizer adam) on tfjs-backend-wasm, single-threaded; generated clouds (rotation up), one batch per step.',
      'PyTorch: SmallPct / SegPct of tools/fixtures/pct_training_step.py with the reference cal_loss and torch.optim.Adam; random points of the same shapes; FPS is the reference port\'s Python loop.',
      'One warm-up step per cell before the timed ones; a median of an even count is the upper middle value.',
    ],
  }, null, 2));
}

// Last, so that every module-level constant above is initialised.
if (argv[0] === '--heed-cell') {
  // Exit once the result is sent: the open IPC channel would keep the cell alive.
  const send = (r) => process.send(r, () => process.exit(r.status === 'ok' ? 0 : 1));
  heedCell(argv[1]).then(send, (e) => send({ status: 'failed', error: String(e?.stack ?? e) }));
} else {
  await main();
}
