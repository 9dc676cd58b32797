import { writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import type { PCTVariant } from '@heed/point-transformer';
import { UsageError } from '../../errors.js';
import { loadModel } from '../pct/model-options.js';
import { describeModel } from './describe-model.js';

/** The models `heed export` knows: the PCT family (shipped or `--weights`) and the shipped vision models. */
export const EXPORTABLE_MODELS = ['pct', 'spct', 'npct', 'cbam', 'vit'] as const;
export type ExportableModel = (typeof EXPORTABLE_MODELS)[number];

interface ExportOptions {
  weights?: string;
  out: string;
  attention?: boolean;
  json?: boolean;
}

/**
 * What `heed export --json` prints.
 *
 * @example
 * ```ts
 * const out = JSON.parse(execSync('heed export pct -o pct.onnx --json', { encoding: 'utf8' })) as ExportOutput;
 * ```
 */
export interface ExportOutput {
  file: string;
  bytes: number;
  inputs: { name: string; type: string; dims?: (number | string)[] }[];
  outputs: { name: string; type: string; dims?: (number | string)[] }[];
  metadata: Record<string, string>;
}

/**
 * `heed export <model> [--weights file] -o model.onnx [--attention] [--json]`: writes a
 * self-contained ONNX graph (opset 17, weights inside) that onnxruntime runs anywhere. PCT, SPCT
 * and NPCT take `points` [B, N, 3] and keep FPS and kNN inside the graph; the metadata carries the
 * model's point count and class names, which `heed run-onnx` uses.
 *
 * @example
 * ```ts
 * await createProgram([registerExportCommand]).parseAsync(['node', 'heed', 'export', 'pct', '--weights', 'best_model.t7', '-o', 'pct.onnx', '--attention']);
 * ```
 */
export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .description('export a model to ONNX (runs in onnxruntime: Node, browsers, Python, C++, Triton)')
    .addArgument(program.createArgument('<model>', 'model').choices(EXPORTABLE_MODELS))
    .option('--weights <file>', 'PCT family: reference-port checkpoint (.pth/.t7 zip or .safetensors); default: the shipped pretrained weights')
    .addOption(new Option('-o, --out <file.onnx>', 'where to write the model').makeOptionMandatory())
    .option('--attention', 'add the attention maps as outputs (attention_* and, for point models, the points they are over: xyz_*)')
    .option('--json', 'print JSON')
    .action(async (model: ExportableModel, opts: ExportOptions) => {
      const bytes = await exportModel(model, opts);
      await writeFile(opts.out, bytes).catch((e: NodeJS.ErrnoException) => {
        throw new Error(`${opts.out}: cannot write the model (${e.code ?? e.message})`);
      });
      const { readOnnxModelInfo } = await import('@heed/onnx');
      const info = readOnnxModelInfo(bytes, opts.out);
      if (opts.json) {
        const out: ExportOutput = { file: opts.out, bytes: bytes.length, inputs: info.inputs, outputs: info.outputs, metadata: info.metadata };
        process.stdout.write(`${JSON.stringify(out)}\n`);
        return;
      }
      process.stdout.write(`wrote ${opts.out} (${(bytes.length / 2 ** 20).toFixed(2)} MiB, ONNX opset ${info.opset}): ${info.metadata['heed.model'] ?? model}\n${describeModel(info)}\n`);
    });
}

async function exportModel(model: ExportableModel, opts: ExportOptions): Promise<Uint8Array> {
  const onnx = await import('@heed/onnx');
  if (model === 'cbam' || model === 'vit') {
    if (opts.weights !== undefined) throw new UsageError(`--weights: ${model} exports the shipped vision model (train your own with heed vision train, then load it in code)`);
    const { useCliBackend } = await import('../../backend.js');
    await useCliBackend('cpu');
    const { loadShippedVisionModel } = await import('@heed/vision');
    const vision = await loadShippedVisionModel(model);
    try {
      // The exporters check the model's kind themselves; the casts only pick the overload.
      return model === 'cbam'
        ? onnx.exportCbamCnn(vision as Parameters<typeof onnx.exportCbamCnn>[0], { channelGates: opts.attention ?? false })
        : onnx.exportTinyVit(vision as Parameters<typeof onnx.exportTinyVit>[0], { attention: opts.attention ?? false });
    } finally {
      vision.dispose();
    }
  }
  // Weights load on tfjs-cpu: the export only reads them back.
  const loaded = await loadModel({ model: model as PCTVariant, weights: opts.weights, normalize: true, backend: 'cpu' });
  try {
    const metadata: Record<string, string> = { 'heed.points': String(loaded.points) };
    if (loaded.classes) metadata['heed.class_names'] = JSON.stringify(loaded.classes);
    return onnx.exportPCT(loaded.model, { attention: opts.attention ?? false, name: `${model} ${loaded.model.config.task}`, metadata });
  } finally {
    loaded.model.dispose();
  }
}
