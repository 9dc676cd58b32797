import * as tf from '@tensorflow/tfjs-core';
import { mixSeed } from '../data/random.js';
import { readSafetensors, writeSafetensors } from '../weights/safetensors.js';
import { saveSafetensors } from '../weights/checkpoint.js';
import { createPCT, type PCTModel } from '../model/pct-model.js';
import { epochData, makeBatch } from './batches.js';
import type { TrainConfig, TrainingCheckpoint, TrainState } from './checkpoint.js';
import { evaluateClassification, evaluateSegmentation } from './evaluate.js';
import { labelSmoothingCrossEntropy } from './loss.js';
import { registerTransposeFreeMatMulGradient } from './matmul-gradient.js';
import { PCTOptimizer } from './optimizer.js';
import { cosineLearningRate } from './schedule.js';

/** One line of the training log (the CLI writes them as JSON lines). */
export interface TrainLogRecord {
  type: 'step' | 'epoch';
  /** 0-based epoch the record belongs to. */
  epoch: number;
  /** Steps done after this record (global, over all epochs). */
  step: number;
  /** Step: that batch's loss; epoch: the mean over the epoch's steps run in this call. */
  loss: number;
  /** Training accuracy (per cloud, or per point for segmentation) on the same batches. */
  accuracy: number;
  lr: number;
  /** Training seconds since the run began (over resumed segments). */
  seconds: number;
  /** Epoch records with `validation`: held-out accuracy or mIoU. */
  heldOut?: { accuracy?: number; mIoU?: number };
}

/** Options of {@link trainPCT}: a new run's config, or a checkpoint to resume. */
export interface TrainOptions {
  /** A new run (ignored when `resume` is given: the checkpoint's config wins). */
  config?: TrainConfig;
  resume?: TrainingCheckpoint;
  /** Called after every step and every epoch. */
  onLog?: (record: TrainLogRecord) => void;
  /** Called with (steps done, total steps). */
  onProgress?: (done: number, total: number) => void;
  /** Called at the end of every epoch and every `checkpointEvery` steps; awaited. */
  onCheckpoint?: (checkpoint: TrainingCheckpoint) => void | Promise<void>;
  checkpointEvery?: number;
  /** Held-out evaluation at each epoch end (seed must differ from the training seed's streams). */
  validation?: { seed: number; count: number };
  /** Stop (returning normally) after this many steps in this call — for tests and time-boxed runs. */
  maxSteps?: number;
}

/** What {@link trainPCT} returns; the caller owns (and disposes) the model. */
export interface TrainResult {
  model: PCTModel;
  state: TrainState;
  /** A checkpoint of the final state (what `onCheckpoint` would get). */
  checkpoint: TrainingCheckpoint;
}

/**
 * Trains a PCT / SPCT / NPCT classifier or part segmenter on the procedural datasets, on the
 * active tfjs backend. Per step: a batch of fresh generated clouds (see `epochData`), augmented
 * (`config.augment`), a training-mode forward (batch-statistics BatchNorm, dropout), the reference
 * label-smoothing loss, and an SGD-momentum or Adam update with a per-step cosine learning rate.
 * Deterministic for a seed, so resuming from any checkpoint continues the very same run (weights,
 * optimizer slots, BatchNorm statistics and step are restored; data and dropout are re-derived
 * from (seed, epoch, step)).
 *
 * @example
 * ```ts
 * const { model, state } = await trainPCT({
 *   config: { task: 'classification', variant: 'pct', numClasses: 10, labelNames, epochs: 20, batchSize: 8,
 *     points: 256, stages: [{ numSamples: 128, k: 16 }, { numSamples: 64, k: 16 }], cloudsPerEpoch: 1024, seed: 1,
 *     optimizer: 'sgd', learningRate: 0.01, minLearningRate: 1e-4, momentum: 0.9, weightDecay: 5e-4,
 *     labelSmoothing: 0.2, augment: { translate: 0.2 } },
 *   onLog: (r) => console.log(JSON.stringify(r)),
 * });
 * ```
 */
export async function trainPCT(options: TrainOptions): Promise<TrainResult> {
  registerTransposeFreeMatMulGradient();
  const config = options.resume?.state.config ?? options.config;
  if (!config) throw new Error('trainPCT: give a config (new run) or a checkpoint to resume');
  const spe = Math.floor(config.cloudsPerEpoch / config.batchSize);
  if (spe < 1) throw new Error(`trainPCT: ${config.cloudsPerEpoch} clouds per epoch make no batch of ${config.batchSize}`);
  if (config.batchSize < 2) throw new Error('trainPCT: batch size must be ≥ 2 (training-mode BatchNorm in the head)');
  const totalSteps = config.epochs * spe;
  const model = createPCT({
    variant: config.variant, task: config.task, numClasses: config.numClasses, seed: config.seed,
    ...(config.stages ? { stages: config.stages } : {}),
    ...(config.task === 'segmentation' ? { numCategories: config.numCategories ?? 0 } : {}),
  });
  const variables = model.trainableVariables();
  const optimizer = new PCTOptimizer(variables, { kind: config.optimizer, momentum: config.momentum, weightDecay: config.weightDecay });
  let globalStep = 0, seconds = 0;
  if (options.resume) {
    model.loadStateDict(readSafetensors(options.resume.weights, { fileName: 'checkpoint weights' }), { source: 'checkpoint weights' });
    globalStep = options.resume.state.globalStep;
    seconds = options.resume.state.seconds;
    optimizer.loadStateDict(readSafetensors(options.resume.optimizer, { fileName: 'checkpoint optimizer' }), globalStep);
  }
  // Everything is read asynchronously: webgpu in Node has no synchronous read.
  const snapshot = async (): Promise<TrainingCheckpoint> => ({
    weights: saveSafetensors(model, await model.stateDictAsync()),
    optimizer: writeSafetensors(await optimizer.stateDict(), { producer: '@heed/point-transformer', kind: config.optimizer }),
    state: {
      format: 'heed-pct-train', version: 1, config, globalStep, epoch: Math.floor(globalStep / spe), totalSteps, seconds,
      rng: { seed: config.seed, epoch: Math.floor(globalStep / spe), stepInEpoch: globalStep % spe },
    },
  });
  let ran = 0;
  const finish = async (): Promise<TrainResult> => {
    const checkpoint = await snapshot();
    optimizer.dispose();
    return { model, state: checkpoint.state, checkpoint };
  };
  try {
    for (let epoch = Math.floor(globalStep / spe); epoch < config.epochs; epoch++) {
      const data = epochData(config.task, { seed: config.seed, epoch: config.freshEachEpoch === false ? 0 : epoch, count: spe * config.batchSize, points: config.points, ...(config.generator ? { generator: config.generator } : {}) });
      let lossSum = 0, accSum = 0, count = 0, lr = 0;
      for (let index = globalStep % spe; index < spe; index++) {
        if (options.maxSteps !== undefined && ran >= options.maxSteps) return await finish();
        const started = performance.now();
        lr = cosineLearningRate(globalStep, totalSteps, config.learningRate, config.minLearningRate);
        const batch = makeBatch(data, config.task, { seed: config.seed, epoch, index, batchSize: config.batchSize, points: config.points, augment: config.augment });
        const { loss, acc } = await trainStep(model, optimizer, batch, config, mixSeed(config.seed, 0xd209, globalStep), lr, variables);
        globalStep++;
        ran++;
        seconds += (performance.now() - started) / 1000;
        lossSum += loss;
        accSum += acc;
        count++;
        options.onLog?.({ type: 'step', epoch, step: globalStep, loss, accuracy: acc, lr, seconds });
        options.onProgress?.(globalStep, totalSteps);
        if (options.checkpointEvery && globalStep % options.checkpointEvery === 0 && index + 1 < spe) await options.onCheckpoint?.(await snapshot());
      }
      const record: TrainLogRecord = { type: 'epoch', epoch, step: globalStep, loss: lossSum / count, accuracy: accSum / count, lr, seconds };
      if (options.validation) {
        const v = { ...options.validation, points: config.points, ...(config.generator?.rotation ? { rotation: config.generator.rotation } : {}) };
        record.heldOut = config.task === 'classification'
          ? { accuracy: (await evaluateClassification(model, v)).accuracy }
          : { mIoU: (await evaluateSegmentation(model, v)).mIoU };
      }
      options.onLog?.(record);
      await options.onCheckpoint?.(await snapshot());
    }
  } catch (error) {
    optimizer.dispose();
    throw error;
  }
  return finish();
}

/** One optimisation step; returns the batch loss and training accuracy. */
async function trainStep(
  model: PCTModel, optimizer: PCTOptimizer, batch: ReturnType<typeof makeBatch>, config: TrainConfig,
  dropoutSeed: number, lr: number, variables: tf.Variable[],
): Promise<{ loss: number; acc: number }> {
  const n = config.points;
  const points = tf.tensor3d(batch.points, [batch.size, n, 3]);
  const labels = tf.tensor1d(batch.labels, 'int32');
  const categories = batch.categories ? tf.tensor1d(batch.categories, 'int32') : undefined;
  let logits: tf.Tensor | undefined;
  const { value, grads } = tf.variableGrads(() => {
    const out = model.apply(points, { training: true, seed: dropoutSeed, ...(categories ? { categories } : {}) });
    logits = tf.keep(out);
    return labelSmoothingCrossEntropy(out, labels, config.labelSmoothing);
  }, variables);
  optimizer.apply(grads, lr);
  const accuracy = tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.reshape(tf.argMax(logits!, -1), [-1]), labels), 'float32')));
  const [loss, acc] = (await Promise.all([value.data(), accuracy.data()])).map((v) => v[0]!) as [number, number];
  tf.dispose([value, accuracy, points, labels, logits!, ...Object.values(grads), ...(categories ? [categories] : [])]);
  return { loss, acc };
}
