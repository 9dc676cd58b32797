#!/usr/bin/env node
/**
 * Workspace benchmark runner (`npm run bench`): runs the `bench` target of every Nx project that
 * has one, one at a time (they measure time: running two together would skew both), keeps the
 * JSON document each prints in bench/results/<project>.json with the date and the machine, and
 * writes bench/results/README.md (also printed on stdout). A target that fails is recorded as
 * failed with the tail of its output, the run goes on, and the runner exits 1 at the end.
 *
 * Usage: node tools/bench/run-benchmarks.mjs [--quick] [--any-flag …] [project …] [--out DIR]
 *   project  a project name (`@heed/onnx`) or its last part (`onnx`); default: all of them
 *   --out    where results go (default bench/results)
 *   any other `--flag` is passed to every target (`--quick`, `--webgpu`)
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, platform, release, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jsonDocuments, stripAnsi } from './json-documents.mjs';
import { renderPage } from './render-markdown.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const NX = join(ROOT, 'node_modules', '.bin', 'nx');
const log = (s) => process.stderr.write(`${s}\n`);

function parseArgs(argv) {
  const projects = [], passThrough = [];
  let out = join(ROOT, 'bench', 'results');
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--out') out = resolve(argv[++i]);
    else if (a === '--') continue;
    else if (a.startsWith('--')) passThrough.push(a);
    else projects.push(...a.split(',').filter(Boolean));
  }
  return { projects, passThrough, out };
}

/** Projects with a `bench` target, as Nx sees them. */
function benchProjects() {
  const r = spawnSync(NX, ['show', 'projects', '--withTarget', 'bench', '--json'], { cwd: ROOT, encoding: 'utf8', env: quietEnv() });
  if (r.status !== 0) throw new Error(`nx show projects failed (exit ${r.status}):\n${r.stderr}`);
  const [list] = jsonDocuments(r.stdout);
  if (!Array.isArray(list)) throw new Error(`nx show projects printed no JSON list:\n${r.stdout}`);
  return list.sort();
}

/** Nx and npm without colours, prompts or a terminal UI: their output is parsed. */
const quietEnv = () => ({ ...process.env, NX_TUI: 'false', NX_INTERACTIVE: 'false', FORCE_COLOR: '0', NO_COLOR: '1', NX_NO_CLOUD: 'true' });

function machine() {
  return {
    cpuModel: cpus()[0]?.model ?? 'unknown', logicalCores: availableParallelism(), memoryGiB: +(totalmem() / 2 ** 30).toFixed(1),
    node: process.version, platform: `${platform()} ${release()}`,
  };
}

const fileName = (project) => `${project.replace(/^@/, '').replace(/[^A-Za-z0-9._-]+/g, '-')}.json`;
const load1 = () => +loadavg()[0].toFixed(2);

/**
 * Runs one project's bench target through Nx (so its `dependsOn` builds run first). `--skipSync`:
 * a benchmark must not rewrite tsconfig references, and an out-of-sync workspace would stop it.
 * Everything it prints is echoed on stderr as it comes; stdout is also kept for the JSON.
 */
function runTarget(project, passThrough) {
  const args = ['run', `${project}:bench`, '--outputStyle=static', '--skipSync', ...passThrough];
  return new Promise((done) => {
    const child = spawn(NX, args, { cwd: ROOT, env: quietEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    // Echoed live: Nx passes the target's stderr (its progress) on through stdout.
    child.stdout.on('data', (d) => { stdout += d; process.stderr.write(d); });
    child.stderr.on('data', (d) => { stderr += d; process.stderr.write(d); });
    child.on('close', (code, signal) => done({ command: `nx ${args.join(' ')}`, code: code ?? signal, stdout, stderr }));
    child.on('error', (error) => done({ command: `nx ${args.join(' ')}`, code: String(error), stdout, stderr }));
  });
}

const tail = (text, lines = 40) => stripAnsi(text).trimEnd().split('\n').slice(-lines).join('\n');

async function main() {
  const { projects: wanted, passThrough, out } = parseArgs(process.argv.slice(2));
  const all = benchProjects();
  const projects = wanted.length
    ? wanted.map((w) => all.find((p) => p === w || p.split('/').at(-1) === w) ?? w)
    : all;
  const unknown = projects.filter((p) => !all.includes(p));
  if (unknown.length) {
    log(`no bench target in: ${unknown.join(', ')} (projects with one: ${all.join(', ')})`);
    process.exit(2);
  }
  mkdirSync(out, { recursive: true });
  log(`benchmarks: ${projects.join(', ')}${passThrough.length ? ` (${passThrough.join(' ')})` : ''}`);

  const failed = [];
  for (const project of projects) {
    log(`\n=== ${project} ===`);
    const loadStart = load1(), started = performance.now(), date = new Date().toISOString();
    const r = await runTarget(project, passThrough);
    const durationS = +((performance.now() - started) / 1000).toFixed(1);
    const documents = jsonDocuments(r.stdout);
    const ok = r.code === 0 && documents.length > 0;
    const record = {
      project, status: ok ? 'ok' : 'failed', date, durationS, command: r.command, args: passThrough,
      machine: machine(), loadAverage: { start: loadStart, end: load1() },
      documents,
      ...(ok ? {} : {
        error: r.code === 0 ? 'the target printed no JSON document' : `exit ${r.code}`,
        outputTail: tail(`${r.stdout}\n${r.stderr}`),
      }),
    };
    writeFileSync(join(out, fileName(project)), `${JSON.stringify(record, null, 2)}\n`);
    log(`=== ${project}: ${record.status} in ${durationS} s → ${join(out, fileName(project))}`);
    if (!ok) failed.push(project);
  }

  // The page covers every result file present, so a run of one project keeps the others' sections.
  const results = readdirSync(out).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(join(out, f), 'utf8')));
  const page = renderPage(results);
  writeFileSync(join(out, 'README.md'), page);
  process.stdout.write(page);
  if (failed.length) {
    log(`\nfailed: ${failed.join(', ')}`);
    process.exit(1);
  }
}

await main();
