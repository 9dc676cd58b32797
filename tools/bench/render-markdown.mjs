/**
 * bench/results/README.md from the per-project result files run-benchmarks.mjs writes: a header
 * on how to read and rerun them, then one section per project — its `table` when the document has
 * one ({ columns, rows }, or a list of them with titles), else a flattened key → value table.
 */

const HEADER = `# Benchmarks

Written by \`npm run bench\` (\`node tools/bench/run-benchmarks.mjs\`): it runs every Nx project's
\`bench\` target, one at a time, keeps each target's JSON document in \`bench/results/<project>.json\`
(with the date, the machine and the load average around it) and renders this page from those
files. Rerun one project with \`npm run bench -- @heed/onnx\`, a shorter pass with
\`npm run bench -- --quick\` (every other \`--flag\` is passed to the targets, e.g. \`--webgpu\`).
Timings are wall-clock medians on a shared machine: compare figures of one run, read ratios
before absolute times, and look at the load average each section records.

**Engines (\`@heed/onnx\`, packages/onnx/bench/engines.bench.mjs).** The same seeded Heed model
in every column and, for the ONNX columns, the same exported graph; the same inputs everywhere;
every output is checked against raw onnxruntime-node's (max |Δ| in the JSON). Columns:
\`tfjs-cpu\` / \`tfjs-wasm\` — the Heed model itself on that tfjs backend; \`heed (ort-node)\` —
Heed's default CPU path in Node, \`createOnnxSession(bytes, { engine: 'auto' })\` and its
\`run\`; \`onnxruntime-node\` — the baseline: onnxruntime-node used directly (intra-op threads =
logical cores, all graph optimisations, CPU EP); \`onnxruntime-web (wasm)\` — onnxruntime-web's
wasm backend in Node, threads = logical cores; \`tfjs-webgpu\` — only with \`--webgpu\` and an
adapter; \`PyTorch\` — the reference PCT port (tools/fixtures/pct_reference.py) with the same
weights and points, all cores. A cell reads "median · ratio to onnxruntime-node (min, reps)";
each cell ran in its own process, so its peak RSS is its own. The paired table runs Heed's
session and the raw one in one process, in alternating blocks, for the overhead figure.
`;

const escapeCell = (v) => String(v ?? '').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');

/** A markdown table; rows shorter than the header are padded. */
export function markdownTable(columns, rows) {
  const out = [`| ${columns.map(escapeCell).join(' | ')} |`, `|${columns.map(() => '---').join('|')}|`];
  for (const row of rows) out.push(`| ${columns.map((_, i) => escapeCell(row[i])).join(' | ')} |`);
  return out.join('\n');
}

/**
 * Leaf values of a document by dotted path; arrays of primitives stay one value.
 *
 * @example
 * flatten({ a: { b: 1 }, c: [1, 2], d: [{ e: 3 }] }); // [['a.b', 1], ['c', '1, 2'], ['d[0].e', 3]]
 */
export function flatten(value, prefix = '', out = []) {
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== 'object')) out.push([prefix, value.join(', ')]);
    else value.forEach((v, i) => flatten(v, `${prefix}[${i}]`, out));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.push([prefix, value]);
  }
  return out;
}

const isTable = (t) => t && Array.isArray(t.columns) && Array.isArray(t.rows);

/** One result document as markdown: its table(s), or every leaf as key → value. */
function renderDocument(doc) {
  const tables = Array.isArray(doc?.table) ? doc.table.filter(isTable) : isTable(doc?.table) ? [doc.table] : [];
  if (tables.length === 0) return markdownTable(['key', 'value'], flatten(doc));
  const parts = tables.map((t) => `${t.title ? `**${escapeCell(t.title)}**\n\n` : ''}${markdownTable(t.columns, t.rows)}`);
  if (Array.isArray(doc.notes) && doc.notes.length) parts.push(doc.notes.map((n) => `- ${n}`).join('\n'));
  return parts.join('\n\n');
}

const machineLine = (m) => (m ? `${m.cpuModel} × ${m.logicalCores} logical cores, ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}` : 'unknown machine');

/** One project's section. */
export function renderSection(r) {
  const load = r.loadAverage ? `; load average (1 min) ${r.loadAverage.start} at start, ${r.loadAverage.end} at end` : '';
  const head = `## ${r.project}\n\n${r.status === 'ok' ? 'ok' : `**${r.status}**`} · ${r.date} · ${r.durationS} s${r.args?.length ? ` · \`${r.args.join(' ')}\`` : ''} · ` +
    `${machineLine(r.machine)}${load}`;
  if (r.status !== 'ok') {
    const docs = (r.documents ?? []).map(renderDocument).join('\n\n');
    return `${head}\n\n${r.error ?? ''}\n\n\`\`\`\n${(r.outputTail ?? '').trim()}\n\`\`\`${docs ? `\n\n${docs}` : ''}`;
  }
  return `${head}\n\n${r.documents.map(renderDocument).join('\n\n')}`;
}

/** The whole page from every project's result record, sorted by project name. */
export function renderPage(results) {
  const sorted = [...results].sort((a, b) => a.project.localeCompare(b.project));
  const machines = [...new Set(sorted.map((r) => machineLine(r.machine)))];
  const dates = sorted.map((r) => r.date).sort();
  const summary = `Snapshot: ${sorted.length} project(s), run ${dates[0] ?? '?'} … ${dates.at(-1) ?? '?'} on ${machines.join('; ')}. ` +
    `Failed: ${sorted.filter((r) => r.status !== 'ok').map((r) => r.project).join(', ') || 'none'}.`;
  return [HEADER, summary, ...sorted.map(renderSection)].join('\n\n') + '\n';
}
