#!/usr/bin/env node
/**
 * Forward pass of the shipped vision models (CBAM CNN, tiny ViT) per image batch, on tfjs cpu and
 * wasm, measured in this run; with --train also one training step (forward + backward + Adam).
 * Prints one JSON document. Usage: node bench/vision.bench.mjs [--quick] [--train]
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import {
  Adam, generateShapeBatch, loadShippedVisionModel, registerWasmConv2DBackpropFilter, shapeBatchTensors,
} from '@heed/vision';

tf.env().set('PROD', true);
const quick = process.argv.includes('--quick');
const withTrain = process.argv.includes('--train');
const batches = quick ? [1, 32] : [1, 32, 128];
registerWasmConv2DBackpropFilter();

async function time(fn, reps) {
  await fn(); // warm-up
  const ms = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { medianMs: +ms[Math.floor(ms.length / 2)].toFixed(2), minMs: +ms[0].toFixed(2), maxMs: +ms[ms.length - 1].toFixed(2) };
}

const results = [];
for (const backend of ['wasm', 'cpu']) {
  await tf.setBackend(backend);
  await tf.ready();
  for (const kind of ['cbam', 'vit']) {
    const model = await loadShippedVisionModel(kind);
    for (const batch of batches) {
      if (backend === 'cpu' && batch > 32) continue; // tfjs-cpu is too slow to be worth the wait
      const { images, labels } = shapeBatchTensors(generateShapeBatch({ seed: 77, count: batch }));
      const forward = async () => {
        const out = model.forward(images);
        await out.logits.data();
        tf.dispose(out);
      };
      const reps = batch >= 128 ? 3 : batch >= 32 ? 5 : 15;
      const row = { backend, model: kind, batch, forward: await time(forward, reps) };
      row.forward.msPerImage = +(row.forward.medianMs / batch).toFixed(3);
      if (withTrain && batch === 32) {
        const names = Object.keys(model.parameters), vars = names.map((n) => model.parameters[n]);
        const adam = new Adam(model.parameters);
        const step = async () => {
          const loss = tf.tidy(() => {
            const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(tf.oneHot(labels, 4), model.forward(images, { training: true }).logits), vars);
            adam.step(Object.fromEntries(names.map((n, i) => [n, grads[vars[i].name]])), 0);
            return value;
          });
          await loss.data();
          loss.dispose();
        };
        row.trainStep = await time(step, backend === 'cpu' ? 1 : 3);
        adam.dispose();
      }
      results.push(row);
      tf.dispose([images, labels]);
    }
    model.dispose();
  }
}
console.log(JSON.stringify({ node: process.version, tfjs: tf.version_core, results }, null, 2));
