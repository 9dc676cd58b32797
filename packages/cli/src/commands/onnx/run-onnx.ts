import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import type { OnnxModelInfo, OnnxTensor } from '@heed/onnx';
import type { AttentionQuery, ColormapName } from '@heed/point-transformer';
import { UsageError } from '../../errors.js';
import { attentionOutputOf, formatAttention, type AttentionOutput } from '../pct/attention.js';
import { formatClassification, softmaxOf } from '../pct/classify.js';
import { integerOption, resolveModelBackend } from '../pct/model-options.js';
import { readCloudFile } from '../read-cloud.js';
import { queryOnnxAttention } from './attention-query.js';
import { describeModel } from './describe-model.js';

interface RunOnnxOptions {
  engine: string;
  points?: string;
  normalize: boolean;
  json?: boolean;
  query?: string;
  output?: string;
  out?: string;
  colormap: ColormapName;
}

/**
 * What `heed run-onnx --json` prints: every output of the model, flattened, and (for a model
 * with `logits` [1, K]) the class scores.
 *
 * @example
 * ```ts
 * const out = JSON.parse(execSync('heed run-onnx pct.onnx chair.ply --json', { encoding: 'utf8' })) as RunOnnxOutput;
 * out.outputs.attention_1.dims; // [1, 256, 256]
 * ```
 */
export interface RunOnnxOutput {
  /** The engine that ran the model, and why it was picked. */
  engine: string;
  engineReason: string;
  input: { name: string; layout: 'points-last' | 'channels-first'; points: number };
  /** Points in the cloud as read. */
  points: number;
  classes: string[] | null;
  logits: number[] | null;
  probabilities: number[] | null;
  /** The names of the outputs that are attention maps (`attention*`), in the model's order. */
  attention: string[];
  outputs: Record<string, { dims: number[]; data: number[] }>;
  /** With --query: the query's weights in --output's map. */
  query?: AttentionOutput;
}

/**
 * `heed run-onnx <model.onnx> <cloud> [--engine auto|ort-node|ort-wasm|ort-webgpu] [--json]
 * [--query I [--output attention_k] [--out coloured.ply]]`: runs any ONNX point model — a Heed export
 * or a researcher's `torch.onnx.export` — on a cloud, with onnxruntime. The cloud is fed as the
 * model's point input wants it ([B, N, 3] or channels-first [B, 3, N]; FPS to a fixed N; unit-sphere
 * normalised unless --no-normalize); every output named `attention*` is listed as an attention map.
 *
 * @example
 * ```ts
 * await createProgram([registerRunOnnxCommand]).parseAsync(['node', 'heed', 'run-onnx', 'pct.onnx', 'chair.ply', '--query', '0', '--out', 'attention.ply']);
 * ```
 */
export function registerRunOnnxCommand(program: Command): void {
  program
    .command('run-onnx')
    .description('run an ONNX point-cloud model (a Heed export or your own) and show its outputs, attention maps included')
    .argument('<model.onnx>', 'ONNX model file')
    .argument('<cloud>', 'PLY, PCD, XYZ/TXT/CSV, OFF, LAS or LAZ file')
    .addOption(new Option('--engine <name>', 'onnxruntime engine (auto: the fastest here)').choices(['auto', 'ort-node', 'ort-wasm', 'ort-webgpu']).default('auto'))
    .option('--points <N>', "points per cloud when the model leaves N open (default: the model's heed.points metadata, else every point)")
    .option('--no-normalize', 'feed the coordinates as they are (no mean-centring / unit-sphere scaling)')
    .option('--json', 'print JSON (every output, flattened)')
    .option('--query <I>', 'show how input point I attends in --output (an index into the cloud)')
    .option('--output <name>', 'the attention output --query reads (default: the first attention output)')
    .option('--out <file.ply>', 'with --query: write the cloud coloured by that attention (PLY, with an `attention` property)')
    .addOption(new Option('--colormap <name>', 'colours for --out').choices(['viridis', 'turbo', 'magma', 'coolwarm', 'grey']).default('viridis'))
    .action(async (modelPath: string, cloudPath: string, opts: RunOnnxOptions) => {
      const { readOnnxModelInfo, findPointInput, pointTensor, createOnnxSession, classNamesFromMetadata } = await import('@heed/onnx');
      const { prepareCloud } = await import('@heed/point-transformer');
      if (opts.out !== undefined && opts.query === undefined) throw new UsageError('--out needs --query (which point\'s attention to colour by)');
      const bytes = await readFile(modelPath).catch((e: NodeJS.ErrnoException) => {
        throw new Error(`${modelPath}: cannot read the model (${e.code ?? e.message})`);
      });
      const info = readOnnxModelInfo(bytes, modelPath);
      const input = findPointInput(info, modelPath);
      const { cloud } = await readCloudFile(cloudPath);
      const count = cloud.positions.length / 3;
      const wanted = opts.points === undefined ? undefined : integerOption('--points', opts.points, 1);
      if (wanted !== undefined && input.pointsFixed && wanted !== input.points) {
        throw new UsageError(`--points ${wanted}: ${modelPath} takes exactly ${input.points} points`);
      }
      const numPoints = wanted ?? input.points ?? count;
      const prepared = prepareCloud(cloud.positions, { numPoints, normalize: opts.normalize });
      if (prepared.replaced) process.stderr.write(`heed: warning: ${cloudPath} has ${count} points, fewer than the model's ${numPoints}: some are repeated (sampling with replacement)\n`);

      const { backend: engine, reason } = resolveModelBackend(opts.engine) as { backend: 'ort-node' | 'ort-wasm' | 'ort-webgpu'; reason: string };
      const session = await createOnnxSession(bytes, { engine });
      let outputs: Record<string, OnnxTensor>;
      try {
        outputs = await session.run({ [input.name]: pointTensor(input, [prepared.points]) });
      } catch (e) {
        throw new Error(`${modelPath}: onnxruntime (${engine}) failed on ${cloudPath}: ${(e as Error).message.split('\n')[0]}`);
      } finally {
        await session.release();
      }
      const query = opts.query === undefined ? undefined : await queryOnnxAttention(info, outputs, prepared, cloud.positions, {
        query: integerOption('--query', opts.query, 0), output: opts.output, source: modelPath,
      });
      if (query && opts.out !== undefined) await writeColoured(opts.out, cloud, query, opts.colormap, prepared.inputCount);

      const scores = classScores(outputs['logits']);
      const result: RunOnnxOutput = {
        engine, engineReason: reason,
        input: { name: input.name, layout: input.layout, points: numPoints },
        points: count,
        classes: classNamesFromMetadata(info.metadata) ?? null,
        ...scores,
        attention: info.attention.map((a) => a.name),
        outputs: Object.fromEntries(Object.entries(outputs).map(([name, t]) => [name, { dims: t.dims, data: Array.from(t.data as ArrayLike<number>, Number) }])),
        ...(query ? { query: attentionOutputOf(query) } : {}),
      };
      process.stdout.write(opts.json ? `${JSON.stringify(result)}\n` : `${formatRun(modelPath, cloudPath, info, result)}\n`);
    });
}

/** Class scores when the model has `logits` [1, K]; nulls otherwise (e.g. per-point logits). */
function classScores(logits: OnnxTensor | undefined): Pick<RunOnnxOutput, 'logits' | 'probabilities'> {
  if (!logits || logits.dims.length !== 2 || logits.dims[0] !== 1 || !(logits.data instanceof Float32Array)) return { logits: null, probabilities: null };
  return softmaxOf(logits.data);
}

async function writeColoured(out: string, cloud: import('@heed/pointcloud-io').PointCloud, query: AttentionQuery, colormap: ColormapName, count: number): Promise<void> {
  const { attentionColors } = await import('@heed/point-transformer');
  const { writePointCloudFile } = await import('@heed/pointcloud-io/node');
  const { colors, values } = attentionColors(cloud.positions, query, colormap);
  await writePointCloudFile(out, { ...cloud, colors, fields: { ...cloud.fields, attention: values } }, { format: 'ply' });
  process.stderr.write(`heed: wrote ${out} (${count} points coloured by ${query.name}, ${colormap})\n`);
}

function formatRun(modelPath: string, cloudPath: string, info: OnnxModelInfo, r: RunOnnxOutput): string {
  const lines = [
    `${modelPath}: ${info.metadata['heed.model'] ?? info.producer ?? 'ONNX model'} on ${r.engine} (${r.engineReason})`,
    describeModel(info),
  ];
  if (r.logits && r.probabilities) {
    lines.push(formatClassification(cloudPath, `fed as ${r.input.name} [1, ${r.input.layout === 'points-last' ? `${r.input.points}, 3` : `3, ${r.input.points}`}]`, {
      logits: r.logits, probabilities: r.probabilities, classes: r.classes, points: r.points, backend: r.engine, backendReason: r.engineReason,
    }));
  } else {
    lines.push(`${cloudPath}: ${r.points} points, fed as ${r.input.name} with ${r.input.points} points`);
  }
  if (r.attention.length === 0) lines.push('no attention outputs (none of its outputs is named attention*)');
  else if (!r.query) lines.push(`attention maps: ${r.attention.join(', ')} (--query I shows one point's weights)`);
  if (r.query) lines.push(formatAttention(r.query));
  return lines.join('\n');
}
