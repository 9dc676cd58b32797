/**
 * Loads the PyTorch golden fixtures written by tools/fixtures/attention_fixtures.py and maps
 * PyTorch's parameter layout (`y = x Wᵀ + b`, packed `in_proj_weight` [3E, E] with rows q, k, v)
 * onto Heed's `y = x W + b` weights.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import type { MultiHeadAttentionWeights } from '../multi-head-attention.js';
import type { LayerNormWeights } from '../transformer/add-norm.js';
import type { PositionWiseFFNWeights } from '../transformer/position-wise-ffn.js';

export interface Packed {
  shape: number[];
  data: number[];
}

export type TorchParams = Record<string, Packed>;

export function loadFixture<T>(file: string): { torch: string; cases: T[] } {
  return JSON.parse(readFileSync(new URL(`./fixtures/${file}`, import.meta.url), 'utf8'));
}

export const tensorOf = (p: Packed): tf.Tensor => tf.tensor(p.data, p.shape, 'float32');

/** Rows [from, to) of a PyTorch weight, transposed to [in, rows]. */
function rowsT(p: Packed, from: number, to: number): tf.Tensor {
  return tf.tidy(() => tf.transpose(tf.slice(tensorOf(p), [from, 0], [to - from, p.shape[1]!])));
}

/** `nn.MultiheadAttention` parameters (under `prefix`, e.g. 'self_attn.') as Heed weights. */
export function attentionWeightsFromTorch(params: TorchParams, prefix = ''): MultiHeadAttentionWeights {
  const get = (name: string) => params[prefix + name];
  const out = get('out_proj.weight')!;
  const e = out.shape[0]!;
  const packed = get('in_proj_weight');
  const [wq, wk, wv] = packed
    ? [0, 1, 2].map((i) => rowsT(packed, i * e, (i + 1) * e))
    : ['q', 'k', 'v'].map((n) => rowsT(get(`${n}_proj_weight`)!, 0, e));
  const weights: MultiHeadAttentionWeights = { wq: wq!, wk: wk!, wv: wv!, wo: rowsT(out, 0, e) };
  const inBias = get('in_proj_bias');
  if (inBias) {
    const b = tensorOf(inBias);
    [weights.bq, weights.bk, weights.bv] = tf.split(b, 3);
    b.dispose();
  }
  const outBias = get('out_proj.bias');
  if (outBias) weights.bo = tensorOf(outBias);
  return weights;
}

export function normFromTorch(params: TorchParams, prefix: string): LayerNormWeights {
  return { gamma: tensorOf(params[`${prefix}.weight`]!), beta: tensorOf(params[`${prefix}.bias`]!) };
}

export function ffnFromTorch(params: TorchParams): PositionWiseFFNWeights {
  const linear = (name: string) => [rowsT(params[`${name}.weight`]!, 0, params[`${name}.weight`]!.shape[0]!), tensorOf(params[`${name}.bias`]!)];
  const [w1, b1] = linear('linear1');
  const [w2, b2] = linear('linear2');
  return { w1: w1!, b1, w2: w2!, b2 };
}

/**
 * Writes functional weight records into a Heed Layer, matching each LayerVariable by the end of
 * its name (`group/key`, or `key` for ungrouped layers).
 */
export function assignLayerWeights(
  layer: { weights: { originalName: string; write(t: tf.Tensor): unknown }[] },
  groups: Record<string, object>,
): void {
  for (const v of layer.weights) {
    const [group, key] = v.originalName.split('/').slice(-2) as [string, string];
    const record = (groups[group] ?? groups['']) as Record<string, tf.Tensor | undefined>;
    const value = record[key];
    if (!value) throw new Error(`no fixture value for layer weight ${v.originalName}`);
    v.write(value);
  }
}

/** One `nn.MultiheadAttention` case of mha.json. */
export interface MhaCase {
  name: string;
  numHeads: number;
  embedDim: number;
  params: TorchParams;
  query: Packed;
  key: Packed;
  value: Packed;
  validLens?: number[];
  causal?: boolean;
  mask?: Packed;
  output: Packed;
  weights: Packed;
}

/** One `nn.TransformerEncoderLayer` / `nn.TransformerDecoderLayer` case of transformer.json. */
export interface BlockCase {
  name: string;
  kind: 'encoder' | 'decoder';
  numHeads: number;
  normFirst: boolean;
  activation: 'relu' | 'gelu';
  params: TorchParams;
  x: Packed;
  memory?: Packed;
  validLens?: number[];
  memoryValidLens?: number[];
  output: Packed;
}
