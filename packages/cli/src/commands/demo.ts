import type { Command } from 'commander';
import { useCliBackend } from '../backend.js';
import { progressBar } from '../progress.js';

const SHADES = ' ░▒▓█';

/** One text row per query: each training point's weight as a shade, darkest = largest. */
export function shadeRows(weights: number[][]): string[] {
  return weights.map((row) => {
    const max = Math.max(...row, 1e-12);
    return row.map((w) => SHADES[Math.min(SHADES.length - 1, Math.round((w / max) * (SHADES.length - 1)))]).join('');
  });
}

/**
 * `heed demo`: attention pooling at its simplest (d2l.ai's Nadaraya–Watson problem,
 * y = 2 sin x + x^0.8 + noise): learns the kernel width by gradient descent and prints the
 * attention weights each query gives the training points.
 */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('learn a Nadaraya–Watson attention width and print the attention weights')
    .option('--seed <n>', 'random seed', '1')
    .option('--epochs <n>', 'gradient steps', '150')
    .action(async (opts: { seed: string; epochs: string }) => {
      // Loaded on use, so that other commands start without tfjs.
      const tf = await import('@tensorflow/tfjs-core');
      const { ParametricNadarayaWatson, nadarayaWatson } = await import('@heed/attention');
      const { Random } = await import('@heed/point-transformer');
      const backend = await useCliBackend();
      const random = new Random(Number(opts.seed));
      const f = (x: number) => 2 * Math.sin(x) + x ** 0.8;
      const n = 50;
      const xs = Array.from({ length: n }, () => random.uniform(0, 5)).sort((a, b) => a - b);
      const ys = xs.map((x) => f(x) + random.normal(0, 0.5));
      const queries = Array.from({ length: 12 }, (_, i) => (5 * i) / 11);
      const xTrain = tf.tensor1d(xs), yTrain = tf.tensor1d(ys), xQuery = tf.tensor1d(queries);
      const truth = tf.tensor1d(queries.map(f));

      const model = new ParametricNadarayaWatson(xTrain, yTrain, { kernel: 'gaussian', width: 5 });
      const epochs = Number(opts.epochs);
      const bar = progressBar('learning the width', epochs);
      const optimizer = tf.train.adam(0.05);
      for (let i = 1; i <= epochs; i++) {
        tf.dispose(model.trainStep(optimizer));
        bar.update(i, `width ${model.width.toFixed(3)}`);
      }
      bar.stop();
      const mse = (width: number) => tf.tidy(() => tf.mean(tf.squaredDifference(
        nadarayaWatson(xTrain, yTrain, xQuery, { width }).output, truth)).dataSync()[0]!);
      const { weights } = model.predict(xQuery);
      const rows = shadeRows((await weights.array()) as number[][]);

      const out = process.stdout;
      out.write(`Nadaraya–Watson attention pooling on ${backend} (y = 2 sin x + x^0.8 + noise, ${n} training points)\n`);
      out.write(`learned width ${model.width.toFixed(3)} (start 5): error vs the true curve ${mse(model.width).toFixed(4)}`);
      out.write(` (width 5: ${mse(5).toFixed(4)})\n\n`);
      out.write(`attention weights: one row per query x, one column per training point (sorted by x)\n`);
      rows.forEach((row, i) => out.write(`x = ${queries[i]!.toFixed(2).padStart(5)} |${row}|\n`));
      tf.dispose([xTrain, yTrain, xQuery, truth, weights]);
      optimizer.dispose();
      model.dispose();
    });
}
