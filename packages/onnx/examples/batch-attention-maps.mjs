#!/usr/bin/env node
/**
 * Batch attention maps for a whole dataset with onnxruntime-node: one InferenceSession, clouds fed
 * in batches, every map written as a NumPy .npy file.
 *
 *   node batch-attention-maps.mjs <model.onnx> <out-dir> <cloud files...> [--batch 16] [--points 1024]
 *
 * - model: any ONNX model with one float32 point input [B, N, 3] (Heed's exports) or [B, 3, N]
 *   (channels-first, PyTorch style). Outputs written: `logits` and every output whose name starts
 *   with `attention` or `xyz` (the attention-output convention of @heed/onnx).
 * - clouds: PLY, PCD, XYZ/TXT/CSV, OFF, LAS/LAZ (read by @heed/pointcloud-io). Each is prepared as
 *   Heed's models expect (prepareCloud of @heed/point-transformer): farthest point sampling to N
 *   points (cycling when the file has fewer), then mean-centred and scaled to the unit sphere.
 * - --points N: points per cloud when the model leaves N open; default: the model's `heed.points`
 *   metadata (Heed's CLI exports carry it), else 1024. It must match when the model fixes N.
 * - --batch B: clouds per run (default 16); the last batch is smaller. A model with a fixed batch
 *   size runs with that size instead, its last batch padded by repeating a cloud (the padding's
 *   outputs are dropped).
 *
 * Writes into out-dir:
 * - per cloud `<name>.<output>.npy` (name: the file name without its extension, `-2`, `-3`, …
 *   appended when two clouds share one), the batch axis dropped: logits [classes], attention_k
 *   [S, S] or [H, S, S], xyz_k [S, 3];
 * - `index.json`: the model, its input, `attentionQueries` (whether a query's weights are a row or
 *   a column of the maps: metadata `heed.attention_queries`; PCT's offset-attention exports say
 *   columns), and per cloud in command-line order either {source, name, inputPoints, replaced,
 *   transform, predictedClass, predictedLabel (with `heed.class_names` metadata), files} or
 *   {source, error} for a cloud that could not be read or prepared (the others go on). transform
 *   {center, scale} maps the model's frame (the xyz_* outputs) back to the file's:
 *   original = model · scale + center.
 * Progress goes to stderr. Exit code 0 when the run finished (even with unreadable clouds: see
 * index.json `failed`), 1 on bad arguments or a model that does not load or run.
 *
 * .npy format (NumPy's version 1.0, written by hand): the 6 bytes "\x93NUMPY", the version bytes
 * 1 and 0, a uint16 little-endian header length, an ASCII header
 * "{'descr': '<f4', 'fortran_order': False, 'shape': (S, S), }" padded with spaces and ended by "\n"
 * so the data starts at a multiple of 64 bytes, then the float32 little-endian values in C order.
 * Read with numpy.load(path).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { availableParallelism, endianness } from 'node:os';
import { basename, extname, join } from 'node:path';
import { parseArgs } from 'node:util';
import onnxProto from 'onnx-proto';
import ort from 'onnxruntime-node';
import { readPointCloudFile } from '@heed/pointcloud-io/node';
import { prepareCloud } from '@heed/point-transformer';

const USAGE = 'usage: node batch-attention-maps.mjs <model.onnx> <out-dir> <cloud files...> [--batch 16] [--points 1024]';

class UsageError extends Error {}

function positiveInteger(text, flag) {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new UsageError(`${flag}: expected a positive integer, got "${text}"`);
  return value;
}

/** The model's point input: name, layout and fixed sizes, from onnxruntime's input metadata. */
function pointInput(session, modelPath) {
  const describe = (m) => `${m.name} ${m.type} [${(m.shape ?? []).join(', ')}]`;
  const candidates = session.inputMetadata.filter((m) => m.isTensor && m.type === 'float32' && m.shape.length === 3 && (m.shape[1] === 3 || m.shape[2] === 3));
  const input = candidates.find((m) => m.name === 'points') ?? candidates[0];
  if (!input) throw new UsageError(`${modelPath}: no point-cloud input (expected float32 [batch, points, 3] or [batch, 3, points]; the model takes ${session.inputMetadata.map(describe).join(', ')})`);
  if (session.inputMetadata.length > 1) throw new UsageError(`${modelPath}: the model takes ${session.inputMetadata.map(describe).join(', ')}; this script feeds only a point input`);
  const layout = input.shape[2] === 3 ? 'points-last' : 'channels-first';
  const points = layout === 'points-last' ? input.shape[1] : input.shape[2];
  return { name: input.name, layout, fixedPoints: typeof points === 'number' ? points : undefined, fixedBatch: typeof input.shape[0] === 'number' ? input.shape[0] : undefined };
}

/** [B, N, 3] or [B, 3, N] float32 for equally sized prepared clouds (flat xyz each). */
function packBatch(input, clouds, n) {
  const data = new Float32Array(clouds.length * n * 3);
  clouds.forEach((cloud, b) => {
    if (input.layout === 'points-last') data.set(cloud, b * n * 3);
    else for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) data[b * n * 3 + c * n + i] = cloud[3 * i + c];
  });
  const dims = input.layout === 'points-last' ? [clouds.length, n, 3] : [clouds.length, 3, n];
  return new ort.Tensor('float32', data, dims);
}

/** NumPy .npy version 1.0 bytes for float32 values of the given shape (see the file comment). */
function npyBytes(values, shape) {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeText}, }`;
  header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  const out = Buffer.alloc(10 + header.length + 4 * values.length);
  out.write('\x93NUMPY', 0, 'latin1');
  out[6] = 1;
  out[7] = 0;
  out.writeUInt16LE(header.length, 8);
  out.write(header, 10, 'latin1');
  const f32 = values instanceof Float32Array ? values : Float32Array.from(values, Number);
  if (endianness() === 'LE') Buffer.from(f32.buffer, f32.byteOffset, f32.byteLength).copy(out, 10 + header.length);
  else for (let i = 0; i < f32.length; i++) out.writeFloatLE(f32[i], 10 + header.length + 4 * i);
  return out;
}

/** The model's metadata_props (onnxruntime-node does not expose them). */
function modelMetadata(bytes) {
  try {
    const model = onnxProto.onnx.ModelProto.decode(bytes);
    return Object.fromEntries((model.metadataProps ?? []).map((p) => [p.key ?? '', p.value ?? '']));
  } catch {
    return {}; // onnxruntime already loaded it; metadata is optional
  }
}

function argmax(values) {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

async function main(argv) {
  const { values: flags, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { batch: { type: 'string' }, points: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (flags.help) {
    console.log(USAGE);
    return 0;
  }
  const [modelPath, outDir, ...files] = positionals;
  if (!modelPath || !outDir || files.length === 0) throw new UsageError(`expected a model, an output folder and at least one cloud file\n${USAGE}`);
  let batchSize = flags.batch === undefined ? 16 : positiveInteger(flags.batch, '--batch');

  let session, bytes;
  try {
    bytes = await readFile(modelPath);
    session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: availableParallelism(), graphOptimizationLevel: 'all', executionProviders: ['cpu'] });
  } catch (e) {
    throw new UsageError(`${modelPath}: onnxruntime-node could not load the model: ${e.message}`);
  }
  const input = pointInput(session, modelPath);
  const requested = flags.points === undefined ? undefined : positiveInteger(flags.points, '--points');
  if (input.fixedPoints !== undefined && requested !== undefined && requested !== input.fixedPoints) {
    throw new UsageError(`--points ${requested}: ${modelPath} takes exactly ${input.fixedPoints} points per cloud (input ${input.name})`);
  }
  const metadata = modelMetadata(bytes);
  const fromMetadata = Number(metadata['heed.points']);
  const numPoints = input.fixedPoints ?? requested ?? (Number.isSafeInteger(fromMetadata) && fromMetadata > 0 ? fromMetadata : 1024);
  let classNames;
  try {
    classNames = metadata['heed.class_names'] ? JSON.parse(metadata['heed.class_names']) : undefined;
  } catch {
    classNames = undefined;
  }
  if (input.fixedBatch !== undefined) batchSize = input.fixedBatch;
  const outputs = session.outputNames.filter((name) => name === 'logits' || name.startsWith('attention') || name.startsWith('xyz'));
  if (outputs.length === 0) throw new UsageError(`${modelPath}: no output named logits, attention* or xyz* (it gives ${session.outputNames.join(', ')})`);
  await mkdir(outDir, { recursive: true });

  const entries = [];
  const usedNames = new Set();
  let pending = [];
  let done = 0, failed = 0, seen = 0;
  const started = performance.now();
  const progress = () => {
    const rate = done / Math.max(1e-3, (performance.now() - started) / 1000);
    const line = `batch-attention-maps: ${seen}/${files.length} files, ${done} written, ${failed} failed, ${rate.toFixed(1)} clouds/s`;
    process.stderr.write(process.stderr.isTTY ? `\r${line}` : `${line}\n`);
  };

  const runBatch = async () => {
    const clouds = pending.map((p) => p.points);
    while (clouds.length < batchSize && input.fixedBatch !== undefined) clouds.push(clouds[clouds.length - 1]);
    let result;
    try {
      result = await session.run({ [input.name]: packBatch(input, clouds, numPoints) }, outputs);
    } catch (e) {
      throw new UsageError(`${modelPath}: onnxruntime-node could not run a batch of ${clouds.length} clouds × ${numPoints} points: ${e.message}`);
    }
    for (const [b, item] of pending.entries()) {
      const written = {};
      for (const name of outputs) {
        const t = result[name];
        if (t.dims[0] !== clouds.length) throw new UsageError(`${modelPath}: output ${name} has dims [${t.dims.join(', ')}], expected the batch (${clouds.length}) first`);
        const per = t.data.length / clouds.length;
        const values = t.data.subarray(b * per, (b + 1) * per);
        written[name] = `${item.entry.name}.${name}.npy`;
        await writeFile(join(outDir, written[name]), npyBytes(values, t.dims.slice(1)));
        if (name === 'logits' && t.dims.length === 2) {
          item.entry.predictedClass = argmax(values);
          if (Array.isArray(classNames) && typeof classNames[item.entry.predictedClass] === 'string') item.entry.predictedLabel = classNames[item.entry.predictedClass];
        }
      }
      item.entry.files = written;
    }
    done += pending.length;
    pending = [];
    progress();
  };

  for (const source of files) {
    seen++;
    let stem = basename(source, extname(source)) || 'cloud';
    for (let k = 2; usedNames.has(stem); k++) stem = `${basename(source, extname(source))}-${k}`;
    try {
      const { cloud } = await readPointCloudFile(source);
      const prepared = prepareCloud(cloud.positions, { numPoints });
      usedNames.add(stem);
      const entry = { source, name: stem, inputPoints: prepared.inputCount, replaced: prepared.replaced, transform: { center: [...prepared.transform.center], scale: prepared.transform.scale } };
      entries.push(entry);
      pending.push({ entry, points: prepared.points });
    } catch (e) {
      failed++;
      entries.push({ source, error: e instanceof Error ? e.message : String(e) });
      progress();
    }
    if (pending.length === batchSize) await runBatch();
  }
  if (pending.length) await runBatch();
  if (process.stderr.isTTY) process.stderr.write('\n');
  await session.release();

  const index = {
    model: modelPath,
    input: { name: input.name, layout: input.layout, points: numPoints },
    batch: batchSize,
    outputs,
    attentionQueries: metadata['heed.attention_queries'] === 'columns' ? 'columns' : 'rows',
    written: done,
    failed,
    clouds: entries,
  };
  await writeFile(join(outDir, 'index.json'), `${JSON.stringify(index, null, 2)}\n`);
  if (failed) process.stderr.write(`batch-attention-maps: ${failed} of ${files.length} clouds could not be read; their errors are in ${join(outDir, 'index.json')}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`batch-attention-maps: ${e instanceof UsageError ? e.message : e.stack ?? e}\n`);
    process.exit(1);
  },
);
