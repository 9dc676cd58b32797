/**
 * The PyTorch golden fixtures written by tools/fixtures/channel_spatial_fixtures.py, and their
 * conversion to tensors. Tensors are stored as { shape, data } in channels-last / tfjs layouts.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import type { BatchNormWeights, CbamWeights, MlpWeights, SpatialGateWeights } from '../index.js';

export interface StoredTensor { shape: number[]; data: number[] }
export interface StoredMlp { w1: StoredTensor; b1?: StoredTensor; w2: StoredTensor; b2?: StoredTensor }
export interface StoredBatchNorm { gamma: StoredTensor; beta: StoredTensor; movingMean: StoredTensor; movingVariance: StoredTensor }
export interface StoredSpatial { kernel: StoredTensor; bias?: StoredTensor; batchNorm?: StoredBatchNorm }

export interface SeCase {
  name: string;
  config: { reduction: number; useBias: boolean; minHidden: number };
  inputs: { x: StoredTensor };
  weights: StoredMlp;
  expected: { output: StoredTensor; channelWeights: StoredTensor };
}

export interface CbamCase {
  name: string;
  config: { reduction: number; noSpatial: boolean; kernelSize: number; neighbours: number; batchNorm: boolean; spatialBias: boolean };
  inputs: { x: StoredTensor; neighbours?: StoredTensor };
  weights: { channel: StoredMlp; spatial?: StoredSpatial };
  expected: {
    output: StoredTensor;
    channelWeights: StoredTensor;
    spatialMap?: StoredTensor;
    /** BN in training mode: outputs with batch statistics and the running stats after the step. */
    training?: { output: StoredTensor; spatialMap: StoredTensor; movingMean: StoredTensor; movingVariance: StoredTensor };
  };
}

export interface EcaCase {
  name: string;
  config: { kernelSize: number };
  inputs: { x: StoredTensor };
  weights: { kernel: StoredTensor };
  expected: { output: StoredTensor; channelWeights: StoredTensor };
}

export function loadFixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

export const seFixture = () => loadFixture<{ cases: SeCase[] }>('se.json').cases;
export const cbamImageFixture = () => loadFixture<{ cases: CbamCase[] }>('cbam-image.json').cases;
export const cbamPointsFixture = () => loadFixture<{ cases: CbamCase[] }>('cbam-points.json').cases;
export const ecaFixture = () =>
  loadFixture<{ cases: EcaCase[]; kernelSizes: { channels: number; kernelSize: number }[] }>('eca.json');

export function tensorOf<T extends tf.Tensor = tf.Tensor>(t: StoredTensor, dtype: 'float32' | 'int32' = 'float32'): T {
  return tf.tensor(t.data, t.shape, dtype) as T;
}

export function mlpOf(w: StoredMlp): MlpWeights {
  return {
    w1: tensorOf(w.w1), w2: tensorOf(w.w2),
    ...(w.b1 ? { b1: tensorOf<tf.Tensor1D>(w.b1) } : {}),
    ...(w.b2 ? { b2: tensorOf<tf.Tensor1D>(w.b2) } : {}),
  };
}

export function batchNormOf(w: StoredBatchNorm): BatchNormWeights {
  return {
    gamma: tensorOf<tf.Tensor1D>(w.gamma), beta: tensorOf<tf.Tensor1D>(w.beta),
    movingMean: tensorOf<tf.Tensor1D>(w.movingMean), movingVariance: tensorOf<tf.Tensor1D>(w.movingVariance),
  };
}

export function spatialOf(w: StoredSpatial): SpatialGateWeights {
  return {
    kernel: tensorOf(w.kernel),
    ...(w.bias ? { bias: tensorOf<tf.Tensor1D>(w.bias) } : {}),
    ...(w.batchNorm ? { batchNorm: batchNormOf(w.batchNorm) } : {}),
  };
}

export function cbamWeightsOf(c: CbamCase): CbamWeights {
  return { channel: mlpOf(c.weights.channel), ...(c.weights.spatial ? { spatial: spatialOf(c.weights.spatial) } : {}) };
}

/** Every tensor in a (nested) weights object, for disposal. */
export function tensorsIn(value: unknown): tf.Tensor[] {
  if (value instanceof tf.Tensor) return [value];
  if (value && typeof value === 'object') return Object.values(value).flatMap(tensorsIn);
  return [];
}
