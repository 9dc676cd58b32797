import { Option, type Command } from 'commander';
import type { PointCloud } from '@heed/pointcloud-io';
import { writePointCloudFile } from '@heed/pointcloud-io/node';
import type { AttentionQuery, ColormapName } from '@heed/point-transformer';
import { UsageError } from '../../errors.js';
import { queryOnnxAttention } from '../onnx/attention-query.js';
import { addModelOptions, integerOption, isOnnxBackend, loadCloud, loadModel, type ModelOptions } from './model-options.js';
import { predictWithOnnx } from './onnx-path.js';

/**
 * What `heed attention --json` prints.
 *
 * @example
 * ```ts
 * const { xyz, weights } = JSON.parse(execSync('heed attention chair.ply --model pct --layer 1 --query 0 --json', { encoding: 'utf8' })) as AttentionOutput;
 * ```
 */
export interface AttentionOutput {
  /** The attention layer, 1-based. */
  layer: number;
  /** The layer's state-dict name, e.g. 'pt_last.sa1'. */
  name: string;
  /** The query as given: an index into the input cloud. */
  query: number;
  /** Which of the layer's points stands for it (the nearest, in the normalised frame): an index into `xyz`. */
  queryPoint: number;
  /** The layer's points, in the input cloud's original (un-normalised) coordinates. */
  xyz: [number, number, number][];
  /** The weights with which the query's output mixes each of those points (aligned with `xyz`). */
  weights: number[];
}

interface AttentionOptions extends ModelOptions {
  layer: string;
  query: string;
  out?: string;
  colormap: ColormapName;
}

/**
 * `heed attention <cloud> --model … [--weights …] --layer L --query I [--json] [--out colored.ply]
 * [--colormap viridis|turbo|magma|coolwarm|grey]`: one query's attention weights in one layer.
 * L counts the attention layers from 1; I indexes the input cloud as read, and the layer's point
 * nearest to it is the query. `--out` writes the input cloud as PLY, each point coloured by the
 * weight of its nearest layer point, with the value also in a scalar property `attention`.
 *
 * @example
 * ```ts
 * await createProgram([registerAttentionCommand]).parseAsync(['node', 'heed', 'attention', 'chair.ply', '--model', 'pct', '--layer', '4', '--query', '17', '--out', 'chair-sa4.ply']);
 * ```
 */
export function registerAttentionCommand(program: Command): void {
  addModelOptions(
    program
      .command('attention')
      .description("show how one point attends to the others in one of the model's attention layers")
      .argument('<cloud>', 'PLY, PCD, XYZ/TXT/CSV, OFF, LAS or LAZ file')
      .requiredOption('--layer <L>', 'attention layer, 1-based (PCT: 1–4)')
      .requiredOption('--query <I>', 'index of the query point in the input cloud'),
  )
    .option('--out <file.ply>', 'write the input cloud coloured by attention (PLY, with an `attention` property)')
    .addOption(new Option('--colormap <name>', 'colours for --out').choices(['viridis', 'turbo', 'magma', 'coolwarm', 'grey']).default('viridis'))
    .action(async (path: string, opts: AttentionOptions) => {
      const layer = integerOption('--layer', opts.layer, 1);
      const query = integerOption('--query', opts.query, 0);
      const { attentionLayerCount, queryAttention, attentionColors } = await import('@heed/point-transformer');
      // The model first: it says how many points it takes (e.g. 256 for the shipped classifier).
      const { model, points, backend } = await loadModel(opts);
      let result: AttentionQuery, cloud: PointCloud, prepared;
      try {
        ({ cloud, prepared } = await loadCloud(path, opts, points));
        if (query >= prepared.inputCount) throw new UsageError(`--query ${query}: ${path} has ${prepared.inputCount} points (0–${prepared.inputCount - 1})`);
        const layers = attentionLayerCount(model);
        if (layer > layers) throw new UsageError(`--layer ${layer}: ${opts.model} has attention layers 1–${layers}`);
        if (isOnnxBackend(backend)) {
          const { outputs, info } = await predictWithOnnx(model, prepared, backend, true);
          const found = await queryOnnxAttention(info, outputs, prepared, cloud.positions, { query, output: `attention_${layer}`, source: opts.model });
          result = { ...found, name: `pt_last.sa${layer}` }; // the state-dict name the tfjs path reports
        } else {
          result = await queryAttention(model, prepared, cloud.positions, layer, query);
        }
      } finally {
        model.dispose();
      }
      if (opts.out !== undefined) {
        const { colors, values } = attentionColors(cloud.positions, result, opts.colormap);
        const colored: PointCloud = { ...cloud, colors, fields: { ...cloud.fields, attention: values } };
        await writePointCloudFile(opts.out, colored, { format: 'ply' });
        process.stderr.write(`heed: wrote ${opts.out} (${prepared.inputCount} points coloured by attention, ${opts.colormap})\n`);
      }
      const out = attentionOutputOf(result);
      process.stdout.write(opts.json ? `${JSON.stringify(out)}\n` : `${formatAttention(out)}\n`);
    });
}

/**
 * The printable form of an attention query (xyz as triples, weights as numbers).
 *
 * @example
 * ```ts
 * process.stdout.write(JSON.stringify(attentionOutputOf(await queryAttention(model, prepared, positions, 1, 0))));
 * ```
 */
export function attentionOutputOf(r: AttentionQuery): AttentionOutput {
  const xyz = Array.from({ length: r.weights.length }, (_, i) => [r.xyz[3 * i]!, r.xyz[3 * i + 1]!, r.xyz[3 * i + 2]!] as [number, number, number]);
  return { layer: r.layer, name: r.name, query: r.query, queryPoint: r.queryPoint, xyz, weights: Array.from(r.weights) };
}

/**
 * The human-readable report: where the query is and the points it attends to most.
 *
 * @example
 * ```ts
 * formatAttention(out); // 'layer 4 (pt_last.sa4): input point 17 → layer point 5 of 256 at (…)\n  largest weights: …'
 * ```
 */
export function formatAttention(out: AttentionOutput): string {
  const p = (v: number[]) => `(${v.map((x) => x.toPrecision(4)).join(', ')})`;
  const top = out.weights.map((w, i) => ({ w, i })).sort((a, b) => b.w - a.w).slice(0, 8);
  return [
    `layer ${out.layer} (${out.name}): input point ${out.query} → layer point ${out.queryPoint} of ${out.weights.length} at ${p(out.xyz[out.queryPoint]!)}`,
    '  largest weights:',
    ...top.map(({ w, i }) => `    ${String(i).padStart(5)}  ${w.toFixed(4)}  ${p(out.xyz[i]!)}`),
  ].join('\n');
}
