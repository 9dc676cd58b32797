#!/usr/bin/env node
/**
 * Engines side by side, in one run, on the same exported graphs and the same inputs: Heed's models
 * on tfjs-cpu and tfjs-wasm; their ONNX exports on Heed's default CPU path in Node
 * (`createOnnxSession(bytes, { engine: 'auto' })` = onnxruntime-node on every logical core), on
 * raw onnxruntime-node (same graph, same threads: the overhead baseline, every ratio is against
 * it), on onnxruntime-web's wasm backend in Node; tfjs-webgpu and onnxruntime-web's WebGPU engine on a
 * hardware adapter (on a software one with --webgpu) when an adapter is
 * found; PyTorch (reference PCT port, same weights and points) when /usr/bin/python3 has torch.
 *
 * Each (workload, engine) cell runs in a child process of its own (this script, forked with
 * --cell), so its peak RSS is that cell's; tfjs cells also report tf.profile's peak tensor bytes.
 * Every output is compared with raw onnxruntime-node's (max |Δ|), which shows the engines ran the
 * same model on the same inputs.
 *
 * Prints one JSON document (with a `table` field: time, memory, targets) on stdout, progress on stderr.
 * Usage (cwd packages/onnx, after a build): node bench/engines.bench.mjs [--quick] [--webgpu] [--only=pct-b1,sdpa]
 */
import { fork, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);

async function main() {
  const quick = argv.includes('--quick');
  const webgpu = argv.includes('--webgpu');
  // --only sdpa,pct-b1 or --only=… (the workspace runner passes flags on in the second form)
  const onlyArg = argv.findIndex((a) => a === '--only' || a.startsWith('--only='));
  const only = onlyArg < 0 ? undefined : (argv[onlyArg].includes('=') ? argv[onlyArg].split('=')[1] : argv[onlyArg + 1]).split(',');
  const started = performance.now(), loadAtStart = +loadavg()[0].toFixed(2);
  const note = (s) => process.stderr.write(`${s}\n`);
  const notes = [];

  const { WORKLOADS } = await import('./engine-workloads.mjs');
  const workloads = WORKLOADS.filter((w) => !only || only.includes(w.id));
  const dir = mkdtempSync(join(tmpdir(), 'heed-engines-bench-'));
  await writeCases(workloads, dir);

  // A full run takes ≈ 6 min on this 2-core machine when it is quiet (8–9 under load), --quick ≈ 3.
  const timing = quick
    ? { budgetMs: 1000, minReps: 2, maxReps: 30, slowMs: 3000 }
    : { budgetMs: 3000, minReps: 3, maxReps: 100, slowMs: 8000 };
  const cellTimeoutS = quick ? 120 : 300;

  const engines = ['ort-node', 'heed-ort-node', 'ort-web-wasm', 'tfjs-wasm', 'tfjs-cpu'];
  // WebGPU columns when a hardware adapter is present; on a software one (one PCT forward takes
  // minutes on SwiftShader) only with --webgpu. The probe runs in a child: Dawn stays out of this process.
  const probe = await forkCell(workloads[0].id, 'webgpu-probe', dir, timing, 60);
  const gpu = probe.status === 'ok' && (webgpu || !probe.software);
  if (gpu) engines.push('tfjs-webgpu', 'ort-webgpu');
  notes.push(probe.status !== 'ok' ? `WebGPU columns: none (${probe.reason ?? probe.error})`
    : `WebGPU adapter: ${probe.adapter} (${probe.software ? 'software' : 'hardware'}); columns ${gpu ? 'included' : 'not run: pass --webgpu to time a software adapter'}.`);
  notes.push('tfjs-cpu is single-threaded JavaScript; tfjs-wasm runs single-threaded in Node; the onnxruntime engines use every logical core.');
  const torch = pytorchAvailable();
  if (torch !== true) notes.push(`PyTorch: ${torch}`);

  const cells = {};
  for (const w of workloads) {
    cells[w.id] = {};
    for (const engine of [...engines, 'pair', ...(w.pytorch ? ['pytorch'] : [])]) {
      const skip = skipReason(w, engine, { quick, torch });
      const t0 = performance.now();
      const cellTiming = coldOnly(w, engine, quick) ? { ...timing, coldOnly: true } : timing;
      const r = skip ? { status: 'skipped', reason: skip }
        : engine === 'pytorch' ? await pytorchCell(w, dir, timing, cellTimeoutS)
        : await forkCell(w.id, engine, dir, cellTiming, cellTimeoutS);
      r.wallS = +((performance.now() - t0) / 1000).toFixed(1);
      cells[w.id][engine] = r;
      note(`${w.id} × ${engine}: ${summary(r)}`);
    }
  }
  rmSync(dir, { recursive: true, force: true });

  const targets = targetLines(cells);
  const machine = {
    cpu: cpus()[0]?.model, logicalCores: availableParallelism(), memoryGiB: +(totalmem() / 2 ** 30).toFixed(1),
    node: process.version, loadAverage1m: { start: loadAtStart, end: +loadavg()[0].toFixed(2) },
  };
  // Other work on the machine inflates every figure; OpenMP (PyTorch) suffers most, its threads wait on each other.
  notes.push(`Load average (1 min) ${machine.loadAverage1m.start} at start, ${machine.loadAverage1m.end} at end, on ${machine.logicalCores} logical cores.`);
  console.log(JSON.stringify({
    bench: 'engines side by side on the same exported graphs and inputs',
    quick, machine, durationS: +((performance.now() - started) / 1000).toFixed(1),
    workloads: workloads.map((w) => ({ id: w.id, label: w.label })),
    baseline: 'onnxruntime-node used directly: intraOpNumThreads = logical cores, graphOptimizationLevel all, cpu EP',
    notes, targets, cells,
    table: tables(workloads, engines, cells, targets),
  }, null, 2));
}

/** Exports every workload once (tfjs-cpu builds the seeded models) and writes graphs, inputs and PCT weights to `dir`. */
async function writeCases(workloads, dir) {
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-cpu');
  await tf.setBackend('cpu');
  for (const w of workloads) {
    writeFileSync(join(dir, `${w.id}.onnx`), await w.exportOnnx(tf));
    const inputs = w.inputs();
    for (const [name, t] of Object.entries(inputs)) writeFileSync(join(dir, `${w.id}.${name}.f32`), t.data);
    writeFileSync(join(dir, `${w.id}.json`), JSON.stringify({ inputs: Object.fromEntries(Object.entries(inputs).map(([n, t]) => [n, t.dims])) }));
    if (w.safetensors) writeFileSync(join(dir, `${w.id}.safetensors`), await w.safetensors());
  }
}

function skipReason(w, engine, { quick, torch }) {
  if (engine === 'pytorch' && torch !== true) return torch;
  // At B=16 one forward takes 10 s (encoder) to over a minute (PCT) on tfjs-cpu, and ≈ 10 s on PyTorch (PCT).
  if (quick && w.batch >= 16 && (engine === 'tfjs-cpu' || engine === 'pytorch')) return 'not run in --quick: B=16 takes 10 s or more a forward';
  return undefined;
}

/** tfjs-cpu runs PCT at B=16 for about a minute a forward: one cold run is all a full run can spend on it. */
const coldOnly = (w, engine, quick) => !quick && engine === 'tfjs-cpu' && w.id === 'pct-b16';

/** Forks this script for one cell; resolves with the cell's report, or a failure with its stderr tail. */
function forkCell(workloadId, engine, dir, timing, timeoutS) {
  return new Promise((resolve) => {
    const child = fork(fileURLToPath(import.meta.url), ['--cell', workloadId, engine, dir, JSON.stringify(timing)], {
      cwd: join(HERE, '..'), stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp' },
    });
    let stderr = '', result;
    child.stderr.on('data', (d) => { stderr = (stderr + d).slice(-4000); });
    child.on('message', (m) => { result = m; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutS * 1000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (result) return resolve(result);
      resolve({ status: 'failed', error: signal === 'SIGKILL' ? `timed out after ${timeoutS} s` : `exit ${code ?? signal}`, stderrTail: stderr.split('\n').slice(-8).join('\n') });
    });
  });
}

const PYTHON = '/usr/bin/python3';
const PYTORCH_SCRIPT = join(HERE, '..', '..', '..', 'tools', 'bench', 'pct_pytorch.py');

/** true, or why there is no PyTorch column. */
function pytorchAvailable() {
  const r = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8', timeout: 60_000 });
  if (r.error) return `not run: ${PYTHON} cannot start (${r.error.code ?? r.error.message})`;
  if (r.status !== 0) return `not run: ${PYTHON} has no torch (${r.stderr.trim().split('\n').at(-1)})`;
  return true;
}

function pytorchCell(w, dir, timing, timeoutS) {
  const [batch, points] = w.inputs().points.dims;
  const args = [PYTORCH_SCRIPT, '--weights', join(dir, `${w.id}.safetensors`), '--input', join(dir, `${w.id}.points.f32`),
    '--batch', String(batch), '--points', String(points), '--reference', join(dir, `${w.id}.reference.f32`),
    // At B=1 also torch's own default of one thread: the faster is PyTorch's figure (load hurts its 2-thread OpenMP most).
    '--threads', [...new Set(batch === 1 ? [availableParallelism(), 1] : [availableParallelism()])].join(','),
    '--budget-ms', String(timing.budgetMs), '--min-reps', String(timing.minReps), '--max-reps', String(timing.maxReps), '--slow-ms', String(timing.slowMs)];
  return new Promise((resolve) => {
    const child = spawn(PYTHON, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutS * 1000 });
    let out = '', err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err = (err + d).slice(-4000); });
    child.on('close', (code) => {
      try { resolve(JSON.parse(out.trim().split('\n').at(-1))); } catch {
        resolve({ status: 'failed', error: `exit ${code}`, stderrTail: err.split('\n').slice(-8).join('\n') });
      }
    });
  });
}

// ---- report ----------------------------------------------------------------------------------------

const COLUMNS = {
  'tfjs-cpu': 'tfjs-cpu', 'tfjs-wasm': 'tfjs-wasm', 'heed-ort-node': 'heed (ort-node)', 'ort-node': 'onnxruntime-node',
  'ort-web-wasm': 'onnxruntime-web (wasm)', 'tfjs-webgpu': 'tfjs-webgpu', 'ort-webgpu': 'onnxruntime-web (WebGPU)', pytorch: 'PyTorch',
};
const ORDER = ['tfjs-cpu', 'tfjs-wasm', 'heed-ort-node', 'ort-node', 'ort-web-wasm', 'tfjs-webgpu', 'ort-webgpu', 'pytorch'];
const fmtMs = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : ms >= 10 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(2)} ms`);
const fmtX = (x) => `${x >= 10 ? x.toFixed(0) : x >= 1 ? x.toFixed(2) : x.toFixed(3)}×`;

function summary(r) {
  if (r.status !== 'ok') return `${r.status}: ${r.reason ?? r.error}`;
  if (r.ratioMedian !== undefined) return `heed/raw ${r.ratioMedian} over ${r.pairs} pairs (${r.ratioMin}–${r.ratioMax})`;
  return `${fmtMs(r.time.medianMs)} median of ${r.time.reps}, peak RSS ${r.peakRssMB} MB${r.vsReference ? `, max|Δ| ${r.vsReference.maxAbsDiff}` : ''}`;
}

function targetLines(cells) {
  const lines = [];
  const pct = cells['pct-b1'];
  if (!pct) return lines;
  const heed = pct['heed-ort-node'], torch = pct.pytorch, pair = pct.pair, raw = pct['ort-node'];
  const ok = (c) => c?.status === 'ok';
  const line = (target, measured, limit, detail) => ({
    target, limit, measured: measured === undefined ? null : +measured.toFixed(3),
    verdict: measured === undefined ? 'not measured' : measured <= limit ? 'pass' : 'fail', detail,
  });
  lines.push(line('PCT cls B=1 N=1024 (FPS + kNN in the graph): heed (ort-node) time / PyTorch time, same machine',
    ok(heed) && ok(torch) ? heed.time.medianMs / torch.time.medianMs : undefined, 0.5,
    ok(heed) && ok(torch) ? `${fmtMs(heed.time.medianMs)} vs ${fmtMs(torch.time.medianMs)} (PyTorch ${torch.torch}, fastest of ${Object.entries(torch.byThreads ?? {}).map(([t, v]) => `${t} thread(s) ${fmtMs(v.medianMs)}`).join(', ')})` : `PyTorch: ${torch?.reason ?? torch?.error ?? 'not run'}`));
  lines.push(line('PCT cls B=1 N=1024: heed (ort-node) / raw onnxruntime-node on the same graph, paired in one process',
    ok(pair) ? pair.ratioMedian : undefined, 1.1,
    ok(pair) ? `median of ${pair.pairs} pairs (range ${pair.ratioMin}–${pair.ratioMax}); ${fmtMs(pair.heedMedianMs)} vs ${fmtMs(pair.rawMedianMs)}` +
      (ok(heed) && ok(raw) ? `; separate processes: ${(heed.time.medianMs / raw.time.medianMs).toFixed(3)}` : '') : String(pair?.error ?? 'not run')));
  return lines;
}

/** The runner's `table`: time with ratio vs raw onnxruntime-node, peak memory, and the target lines. */
function tables(workloads, engines, cells, targets) {
  const cols = ORDER.filter((e) => engines.includes(e) || e === 'pytorch');
  const columns = ['workload', ...cols.map((e) => COLUMNS[e])];
  const why = (c) => (c?.status === 'skipped' ? `— (${c.reason})` : c?.status === 'failed' ? `failed: ${String(c.error).split('\n')[0].slice(0, 80)}` : '');
  const timeRows = workloads.map((w) => [w.label, ...cols.map((e) => {
    const c = cells[w.id][e], raw = cells[w.id]['ort-node'];
    if (!c) return 'n/a';
    if (c.status !== 'ok') return why(c);
    const ratio = raw?.status === 'ok' ? ` · ${fmtX(c.time.medianMs / raw.time.medianMs)}` : '';
    const threads = c.threads ? `, ${c.threads} thread${c.threads > 1 ? 's' : ''}` : '';
    return `${fmtMs(c.time.medianMs)}${ratio} (${c.time.cold ? '1 cold run' : `min ${fmtMs(c.time.minMs)}, ${c.time.reps}×`}${threads})`;
  })]);
  const memRows = workloads.map((w) => [w.label, ...cols.map((e) => {
    const c = cells[w.id][e];
    if (!c) return 'n/a';
    if (c.status !== 'ok') return c.status === 'skipped' ? '—' : 'failed';
    const parts = [];
    if (c.rssBeforeMB !== undefined) parts.push(`${Math.round(c.rssBeforeMB)} MB before the model`);
    if (c.tfjsPeakTensorMB !== undefined) parts.push(`tensors ${c.tfjsPeakTensorMB} MB`);
    return `${Math.round(c.peakRssMB)} MB${parts.length ? ` (${parts.join(', ')})` : ''}`;
  })]);
  const pairRows = workloads.filter((w) => cells[w.id].pair?.status === 'ok').map((w) => {
    const p = cells[w.id].pair;
    return [w.label, `${p.ratioMedian}`, `${p.ratioMin}–${p.ratioMax}`, `${fmtMs(p.heedMedianMs)} / ${fmtMs(p.rawMedianMs)}`, String(p.pairs)];
  });
  return [
    { title: 'Forward time: median · ratio to raw onnxruntime-node (min, reps)', columns, rows: timeRows },
    { title: 'Peak RSS of the cell\'s process (RSS after imports, before the model; tfjs: peak live tensor bytes)', columns, rows: memRows },
    { title: 'Heed\'s session over raw onnxruntime-node, paired runs in one process', columns: ['workload', 'heed / raw (median)', 'range', 'heed / raw median time', 'pairs'], rows: pairRows },
    { title: 'Targets', columns: ['target', 'measured', 'limit', 'verdict', 'detail'], rows: targets.map((t) => [t.target, t.measured ?? '—', `≤ ${t.limit}`, t.verdict, t.detail]) },
  ].filter((t) => t.rows.length > 0);
}

// Last, so that every module-level constant above is initialised.
if (argv[0] === '--cell') {
  // Child: --cell <workload> <engine> <dir> <timing JSON>
  const { cellMain } = await import('./engine-cells.mjs');
  await cellMain({ workloadId: argv[1], engine: argv[2], dir: argv[3], timing: JSON.parse(argv[4]) });
} else {
  await main();
}
