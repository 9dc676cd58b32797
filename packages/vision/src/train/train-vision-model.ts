/**
 * The training loop: fresh task images every step (the task is procedural, so no image is seen
 * twice), softmax cross-entropy, {@link Adam} with a warm-up + cosine or step schedule, a progress
 * callback per step and JSON-lines records for a log file.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@heed/attention'; // registers every tfjs-core op gradient (see its register-gradients)
import { generateShapeBatch, shapeBatchTensors } from '../data/batch.js';
import type { ShapeTaskOptions } from '../data/shape-task.js';
import { type VisionEvaluation, evaluateVision } from '../eval/evaluate-vision.js';
import { registerWasmConv2DBackpropFilter } from '../kernels/wasm-conv2d-backprop-filter.js';
import type { VisionModel } from '../models/vision-model.js';
import { Adam } from './adam.js';
import { learningRateSchedule } from './schedule.js';

/** Where training stands after a step; what a progress bar shows. */
export interface TrainProgress {
  /** 1-based epoch. */
  epoch: number;
  epochs: number;
  /** 1-based step over the whole run. */
  step: number;
  totalSteps: number;
  /** Cross-entropy of this step's batch. */
  loss: number;
  /** Accuracy on this step's batch. */
  accuracy: number;
  learningRate: number;
  elapsedMs: number;
}

/** Options of {@link trainVisionModel}. */
export interface TrainOptions {
  /** Seed of the training images (the model's initial weights have their own seed). */
  seed: number;
  epochs: number;
  stepsPerEpoch: number;
  batchSize: number;
  learningRate: number;
  /** Default 'cosine'. */
  schedule?: 'cosine' | 'step';
  /** Default 5% of the steps. */
  warmupSteps?: number;
  /** AdamW decoupled weight decay. Default 1e-4. */
  weightDecay?: number;
  /** Clip the global gradient norm to this. Default 5. */
  clipNorm?: number;
  task?: ShapeTaskOptions;
  /** Held-out check after every epoch (a seed other than `seed`). */
  validation?: { seed: number; count: number };
  /** Called after every step. */
  onProgress?: (progress: TrainProgress) => void;
  /** Receives one JSON document per line: a record per `logEvery` steps and per epoch. */
  onLogLine?: (line: string) => void;
  /** Default 10. */
  logEvery?: number;
}

/** Summary of a finished run. */
export interface TrainResult {
  steps: number;
  wallTimeMs: number;
  /** Mean loss and accuracy over the last epoch's steps. */
  finalLoss: number;
  finalAccuracy: number;
  /** The last epoch's held-out evaluation, when `validation` was given. */
  validation?: VisionEvaluation;
}

/**
 * Trains `model` in place on the active tfjs backend (on wasm it first registers the conv filter
 * gradient tfjs-backend-wasm lacks).
 *
 * @example
 * ```ts
 * const model = createCbamCnn({ seed: 1 });
 * const result = await trainVisionModel(model, {
 *   seed: 1, epochs: 6, stepsPerEpoch: 100, batchSize: 32, learningRate: 3e-3,
 *   validation: { seed: 1001, count: 200 },
 *   onProgress: (p) => bar.update(p.step, p),
 *   onLogLine: (line) => appendFileSync('train.jsonl', line + '\n'),
 * });
 * ```
 */
export async function trainVisionModel(model: VisionModel, options: TrainOptions): Promise<TrainResult> {
  registerWasmConv2DBackpropFilter();
  const { seed, epochs, stepsPerEpoch, batchSize, logEvery = 10, clipNorm = 5 } = options;
  const totalSteps = epochs * stepsPerEpoch;
  const schedule = learningRateSchedule({
    kind: options.schedule ?? 'cosine', learningRate: options.learningRate, totalSteps,
    warmupSteps: options.warmupSteps ?? Math.round(totalSteps * 0.05),
  });
  const names = Object.keys(model.parameters);
  const variables = names.map((n) => model.parameters[n]!);
  const adam = new Adam(model.parameters, { weightDecay: options.weightDecay ?? 1e-4 });
  const log = (record: object) => options.onLogLine?.(JSON.stringify(record));
  const started = performance.now();
  let result: TrainResult = { steps: 0, wallTimeMs: 0, finalLoss: NaN, finalAccuracy: NaN };
  log({ type: 'start', kind: model.kind, config: model.config, options: { ...options, onProgress: undefined, onLogLine: undefined }, backend: tf.getBackend() });
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      let lossSum = 0, accSum = 0;
      for (let s = 0; s < stepsPerEpoch; s++) {
        const step = (epoch - 1) * stepsPerEpoch + s;
        const learningRate = schedule(step);
        const batch = generateShapeBatch({ ...options.task, size: model.imageSize, seed, start: step * batchSize, count: batchSize });
        const stats = tf.tidy(() => {
          const { images, labels } = shapeBatchTensors(batch);
          const oneHot = tf.oneHot(labels, model.numClasses);
          let accuracy: tf.Tensor | undefined;
          const { value, grads } = tf.variableGrads(() => {
            const logits = model.forward(images, { training: true }).logits;
            // The gradient scope frees everything but the loss: keep the accuracy, free it below.
            accuracy = tf.keep(tf.mean(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'float32')));
            return tf.losses.softmaxCrossEntropy(oneHot, logits) as tf.Scalar;
          }, variables);
          adam.step(clipByGlobalNorm(names, variables, grads, clipNorm), learningRate);
          const both = tf.stack([value, accuracy!]);
          accuracy!.dispose();
          return both;
        });
        const [loss, accuracy] = Array.from(await stats.data()) as [number, number];
        stats.dispose();
        lossSum += loss;
        accSum += accuracy;
        const elapsedMs = performance.now() - started;
        options.onProgress?.({ epoch, epochs, step: step + 1, totalSteps, loss, accuracy, learningRate, elapsedMs });
        if ((step + 1) % logEvery === 0) log({ type: 'step', epoch, step: step + 1, loss, accuracy, learningRate, elapsedMs: Math.round(elapsedMs) });
      }
      result = {
        steps: epoch * stepsPerEpoch, wallTimeMs: performance.now() - started,
        finalLoss: lossSum / stepsPerEpoch, finalAccuracy: accSum / stepsPerEpoch,
      };
      if (options.validation) result.validation = await evaluateVision(model, { ...options.validation, task: options.task });
      log({ type: 'epoch', epoch, ...result, wallTimeMs: Math.round(result.wallTimeMs) });
    }
  } finally {
    adam.dispose();
  }
  result.wallTimeMs = performance.now() - started;
  return result;
}

/** Gradients by parameter name, scaled so their global L2 norm is at most `maxNorm`. */
function clipByGlobalNorm(names: string[], variables: tf.Variable[], grads: tf.NamedTensorMap, maxNorm: number): Record<string, tf.Tensor> {
  const list = variables.map((v) => grads[v.name]!);
  const norm = tf.sqrt(tf.addN(list.map((g) => tf.sum(tf.square(g)))));
  const scale = tf.div(maxNorm, tf.maximum(norm, maxNorm));
  return Object.fromEntries(names.map((n, i) => [n, tf.mul(list[i]!, scale)]));
}
