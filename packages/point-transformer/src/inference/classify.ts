import * as tf from '@tensorflow/tfjs-core';
import type { PCTModel } from '../model/pct-model.js';
import type { PreparedCloud } from './prepare-cloud.js';

/**
 * What {@link classifyCloud} returns: plain numbers, one per class.
 *
 * @example
 * ```ts
 * const { logits, probabilities } = await classifyCloud(model, prepared);
 * ```
 */
export interface Classification {
  logits: number[];
  /** softmax(logits). */
  probabilities: number[];
}

/**
 * Classifies one prepared cloud (evaluation mode). Every tensor it makes is disposed.
 *
 * @example
 * ```ts
 * const { probabilities } = await classifyCloud(model, prepareCloud(cloud.positions));
 * const best = probabilities.indexOf(Math.max(...probabilities));
 * ```
 */
export async function classifyCloud(model: PCTModel, prepared: PreparedCloud): Promise<Classification> {
  if (model.config.task !== 'classification') throw new Error('classifyCloud: the model is not a classifier');
  const n = prepared.points.length / 3;
  const [logits, probabilities] = tf.tidy(() => {
    const { logits: l } = model.predict(tf.tensor3d(prepared.points, [1, n, 3]));
    return [l, tf.softmax(l)];
  });
  try {
    return { logits: Array.from(await logits.data()), probabilities: Array.from(await probabilities.data()) };
  } finally {
    tf.dispose([logits, probabilities]);
  }
}
