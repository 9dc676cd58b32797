// Parse benchmark: @heed/pointcloud-io against loaders.gl and three.js on the same bytes.
//
// The parent process generates 1M-point files with this package's writers (binary PLY, binary and
// binary_compressed PCD, LAS 1.2 — this package cannot write LAZ, laz-perf only decompresses, so
// LAZ 1.2 and 1.4/COPC are measured on the largest real files in test-data),
// then runs each (file, parser) pair in a fresh child process so that memory numbers are not
// polluted by earlier runs. Prints one JSON document. Run with `nx run @heed/pointcloud-io:bench`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const POINTS = Number(process.env.BENCH_POINTS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SELF = fileURLToPath(import.meta.url);

const FILES = {
  'ply-binary': { ext: 'ply', parsers: ['heed', 'loaders.gl', 'three'] },
  'pcd-binary': { ext: 'pcd', parsers: ['heed', 'loaders.gl', 'three'] },
  'pcd-binary_compressed': { ext: 'pcd', parsers: ['heed', 'loaders.gl', 'three'] },
  'las-1.2': { ext: 'las', parsers: ['heed', 'heed-builtin', 'loaders.gl'] },
  // LAZ: this package cannot write it (laz-perf only decompresses), so the largest real files serve.
  'laz-1.2 (real file)': { ext: 'laz', source: 'potree_lion_ept_laz12_0-0-0-0.laz', parsers: ['heed', 'loaders.gl'] },
  'laz-1.4 COPC (real file)': { ext: 'laz', source: 'lion_takanawa.copc.laz', parsers: ['heed', 'loaders.gl'] },
};
const TEST_DATA = fileURLToPath(new URL('../test-data/', import.meta.url));

async function parser(name, kind) {
  if (name === 'heed' || name === 'heed-builtin') {
    const io = await import('@heed/pointcloud-io');
    if (kind.startsWith('ply')) return (b) => io.readPly(b).cloud.positions.length / 3;
    if (kind.startsWith('pcd')) return (b) => io.readPcd(b).cloud.positions.length / 3;
    const lasDecoder = name === 'heed' ? 'auto' : 'builtin';
    return async (b) => (await io.readLas(b, { lasDecoder })).cloud.positions.length / 3;
  }
  if (name === 'loaders.gl') {
    if (kind.startsWith('ply')) {
      const { PLYLoader } = await import('@loaders.gl/ply');
      return (b) => PLYLoader.parseSync(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength), {}).header.vertexCount;
    }
    if (kind.startsWith('pcd')) {
      const { PCDLoader } = await import('@loaders.gl/pcd');
      return (b) => PCDLoader.parseSync(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength), {}).header.vertexCount;
    }
    const { LAZPerfLoader } = await import('@loaders.gl/las');
    const options = { las: { shape: 'mesh', fp64: false, skip: 1, colorDepth: 8 } };
    return (b) => LAZPerfLoader.parseSync(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength), options).header.vertexCount;
  }
  if (kind.startsWith('ply')) {
    const { PLYLoader } = await import('three/addons/loaders/PLYLoader.js');
    const loader = new PLYLoader();
    return (b) => loader.parse(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)).attributes.position.count;
  }
  const { PCDLoader } = await import('three/addons/loaders/PCDLoader.js');
  const loader = new PCDLoader();
  return (b) => loader.parse(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)).geometry.attributes.position.count;
}

/** Child: parse one file with one parser; print timing and memory as JSON. */
async function child(file, kind, name) {
  const gc = globalThis.gc;
  const bytes = new Uint8Array(readFileSync(file));
  const parse = await parser(name, kind);
  gc();
  const before = process.memoryUsage();
  const peakBefore = process.resourceUsage().maxRSS;
  let t = performance.now();
  let kept = await parse(bytes); // cold run, result kept alive for the memory reading
  const coldMs = performance.now() - t;
  const after = process.memoryUsage();
  const peakAfter = process.resourceUsage().maxRSS;
  const times = [];
  for (let r = 0; r < RUNS; r++) {
    gc();
    t = performance.now();
    kept = await parse(bytes);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const ms = times[times.length >> 1];
  const mb = (x) => Math.round((x / 2 ** 20) * 10) / 10;
  process.stdout.write(
    JSON.stringify({
      points: kept,
      medianMs: Math.round(ms * 10) / 10,
      coldMs: Math.round(coldMs * 10) / 10,
      MBps: Math.round((bytes.byteLength / 2 ** 20 / (ms / 1000)) * 10) / 10,
      pointsPerSec: Math.round(kept / (ms / 1000)),
      memory: {
        peakRssDeltaMB: mb((peakAfter - peakBefore) * 1024),
        rssDeltaMB: mb(after.rss - before.rss),
        heapUsedDeltaMB: mb(after.heapUsed - before.heapUsed),
        arrayBuffersDeltaMB: mb(after.arrayBuffers - before.arrayBuffers),
      },
    }),
  );
}

async function main() {
  const io = await import('@heed/pointcloud-io');
  const dir = mkdtempSync(join(tmpdir(), 'heed-bench-'));
  // A scan-like random walk with colours (spatially coherent, like real data).
  const positions = new Float32Array(3 * POINTS);
  const colors = new Uint8Array(3 * POINTS);
  let seed = 12345;
  const rnd = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  let x = 0, y = 0, z = 0;
  for (let i = 0; i < POINTS; i++) {
    x += rnd() - 0.5;
    y += rnd() - 0.5;
    z += (rnd() - 0.5) * 0.1;
    positions.set([x, y, z], 3 * i);
    colors.set([rnd() * 256, rnd() * 256, rnd() * 256], 3 * i);
  }
  const cloud = { positions, colors };
  const writers = {
    'ply-binary': () => io.writePly(cloud, { format: 'binary_little_endian' }),
    'pcd-binary': () => io.writePcd(cloud, { format: 'binary' }),
    'pcd-binary_compressed': () => io.writePcd(cloud, { format: 'binary_compressed' }),
    'las-1.2': () => io.writeLas(cloud, { version: '1.2' }),
  };
  const results = {};
  try {
    for (const [kind, { ext, parsers, source }] of Object.entries(FILES)) {
      const t = performance.now();
      const bytes = source ? readFileSync(join(TEST_DATA, source)) : writers[kind]();
      const writeMs = Math.round(performance.now() - t);
      const file = join(dir, `${kind}.${ext}`);
      writeFileSync(file, bytes);
      const entry = { source: source ?? `generated, ${POINTS} points`, bytes: bytes.byteLength, MB: Math.round((bytes.byteLength / 2 ** 20) * 10) / 10, writeMs, parsers: {} };
      for (const name of parsers) {
        const run = spawnSync(process.execPath, ['--expose-gc', SELF, '--child', file, kind, name], { encoding: 'utf8', maxBuffer: 1 << 20 });
        entry.parsers[name] = run.status === 0 ? JSON.parse(run.stdout) : { error: (run.stderr || run.stdout).trim().split('\n').slice(-3).join(' ') };
      }
      const heed = entry.parsers.heed;
      entry.heedSpeedup = {};
      for (const [name, r] of Object.entries(entry.parsers)) {
        if (name !== 'heed' && r.medianMs && heed?.medianMs) entry.heedSpeedup[`vs ${name}`] = Math.round((r.medianMs / heed.medianMs) * 100) / 100;
      }
      results[kind] = entry;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const report = {
    benchmark: '@heed/pointcloud-io parse',
    points: POINTS,
    runs: RUNS,
    node: process.version,
    note: 'This package cannot write LAZ (laz-perf only decompresses): LAZ is measured on the largest real files in test-data (35k and 342k points); loaders.gl refuses LAZ 1.4. heed = default decoders (loaders.gl inside for LAS 1.2); heed-builtin = built-in LAS record decoder. heedSpeedup = other median time / heed median time (>1: heed faster).',
    results,
  };
  console.log(JSON.stringify(report, null, 2));
}

if (process.argv[2] === '--child') await child(process.argv[3], process.argv[4], process.argv[5]);
else await main();
