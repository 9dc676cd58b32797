#!/usr/bin/env node
/**
 * Trains a shipped vision model from its recipe — the same function `heed vision train` runs,
 * without the progress bar (one line per epoch instead). Build first: npx nx run @heed/vision:build
 * Usage: node scripts/train.mjs --model cbam|vit [--out weights] [--seed S] [--backend wasm|cpu]
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { trainToFolder } from '@heed/vision/node';

const { values } = parseArgs({ options: {
  model: { type: 'string', default: 'cbam' }, out: { type: 'string', default: 'weights' },
  seed: { type: 'string' }, backend: { type: 'string', default: 'wasm' },
} });
tf.env().set('PROD', true);
await tf.setBackend(values.backend);
await tf.ready();
const command = `node scripts/train.mjs ${process.argv.slice(2).join(' ')}`.trim();
const { weightsPath, result } = await trainToFolder(values.model, {
  out: values.out, seed: values.seed === undefined ? undefined : Number(values.seed), command,
  onProgress: (p) => {
    if (p.step % (p.totalSteps / p.epochs) === 0) console.log(`epoch ${p.epoch}/${p.epochs} step ${p.step} ${(p.elapsedMs / 1000).toFixed(0)} s`);
  },
});
console.log(JSON.stringify({ weightsPath, backend: tf.getBackend(), wallTimeSeconds: Math.round(result.wallTimeMs / 1000), validation: result.validation }));
