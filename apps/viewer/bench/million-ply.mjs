/**
 * Helpers of viewer.bench.mjs: the seeded 1M-point PLY, medians, and the browser's memory.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';

export const r1 = (x) => Math.round(x * 10) / 10;

/** Median with min–max of a list of milliseconds (and the runs, rounded). */
export function stats(ms) {
  const s = [...ms].sort((a, b) => a - b), mid = s.length >> 1;
  if (s.length === 0) return { median: null, min: null, max: null, runs: [] };
  return { median: r1(s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2), min: r1(s[0]), max: r1(s.at(-1)), runs: ms.map(r1) };
}

/** Mulberry32: a small seeded PRNG, so the cloud is the same on every machine. */
export function prng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A noisy torus (R = 1, r = 0.35, bumps + 1 % noise) as binary_little_endian PLY: float xyz, uchar rgb. */
export function millionPly(path, N) {
  const rand = prng(42);
  const header = `ply\nformat binary_little_endian 1.0\ncomment heed viewer bench: seeded noisy torus\nelement vertex ${N}\n`
    + 'property float x\nproperty float y\nproperty float z\nproperty uchar red\nproperty uchar green\nproperty uchar blue\nend_header\n';
  const head = Buffer.from(header, 'ascii');
  const body = Buffer.alloc(15 * N);
  for (let i = 0, o = 0; i < N; i++, o += 15) {
    const u = 2 * Math.PI * rand(), v = 2 * Math.PI * rand();
    const r = 0.35 * (1 + 0.08 * Math.sin(5 * u) * Math.cos(3 * v)) + 0.01 * (rand() - 0.5);
    body.writeFloatLE((1 + r * Math.cos(v)) * Math.cos(u), o);
    body.writeFloatLE((1 + r * Math.cos(v)) * Math.sin(u), o + 4);
    body.writeFloatLE(r * Math.sin(v), o + 8);
    body[o + 12] = (128 + 127 * Math.cos(u)) | 0;
    body[o + 13] = (128 + 127 * Math.sin(v)) | 0;
    body[o + 14] = (128 + 127 * Math.sin(u)) | 0;
  }
  const bytes = Buffer.concat([head, body]);
  writeFileSync(path, bytes);
  return bytes;
}

/** Times an (async) function `reps` times after one warm-up. */
export async function timed(fn, reps) {
  await fn();
  const ms = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  return stats(ms);
}

/** Sum of VmRSS over this process's descendants (Chromium's processes; shared pages counted per process). */
export function childrenRssMB() {
  const parent = new Map(), rss = new Map();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      parent.set(pid, stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      rss.set(pid, Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0));
    } catch { /* the process ended meanwhile */ }
  }
  const isOurs = (pid) => { for (let p = parent.get(pid); p && p !== '0'; p = parent.get(p)) if (p === String(process.pid)) return true; return false; };
  return Math.round([...rss].filter(([pid]) => isOurs(pid)).reduce((s, [, kb]) => s + kb, 0) / 1024);
}
