import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createPCT } from '@heed/point-transformer';
import { exportPCT } from '../export/pct/pct-export.js';
import { OnnxGraph } from '../graph/onnx-graph.js';
import { attentionPointsName, attentionRow, isAttentionOutput } from './attention-outputs.js';
import { classNamesFromMetadata, describeValue, readOnnxModelInfo } from './model-info.js';
import { findPointInput, pointTensor } from './point-input.js';

describe('readOnnxModelInfo', () => {
  it("reads a Heed PCT export's inputs, outputs, metadata and pairs each attention map with its points", async () => {
    await tf.setBackend('cpu');
    const model = createPCT({ numClasses: 4, seed: 3, stages: [{ numSamples: 24, k: 6 }, { numSamples: 11, k: 5 }] });
    const info = readOnnxModelInfo(exportPCT(model, { attention: true, numPoints: 64 }), 'pct.onnx');
    model.dispose();
    expect(info.inputs).toEqual([{ name: 'points', type: 'float32', dims: ['batch', 64, 3] }]);
    expect(info.outputs.map((o) => o.name)).toEqual(['logits', 'attention_1', 'attention_2', 'attention_3', 'attention_4', 'xyz_1', 'xyz_2', 'xyz_3', 'xyz_4']);
    expect(info.outputs[0]).toEqual({ name: 'logits', type: 'float32', dims: ['batch', 4] });
    expect(info.attention).toEqual([1, 2, 3, 4].map((i) => ({ name: `attention_${i}`, points: `xyz_${i}` })));
    expect(info.opset).toBe(17);
    expect(info.producer).toMatch(/^heed /);
    expect(info.metadata['heed.classes']).toBe('4');
    expect(info.attentionQueries).toBe('columns'); // offset-attention mixes with columns
  });

  it('says rows for NPCT, and names the file when the metadata has an unknown orientation', async () => {
    const npct = createPCT({ variant: 'npct', numClasses: 2, seed: 1 });
    expect(readOnnxModelInfo(exportPCT(npct)).attentionQueries).toBe('rows');
    expect(() => readOnnxModelInfo(exportPCT(npct, { metadata: { 'heed.attention_queries': 'diagonal' } }), 'odd.onnx'))
      .toThrow(/odd\.onnx: metadata heed\.attention_queries: expected "rows" or "columns", got "diagonal"/);
    npct.dispose();
  });

  it('names the file when the bytes are not an ONNX model', () => {
    expect(() => readOnnxModelInfo(new TextEncoder().encode('ply\nformat ascii 1.0\n'), 'chair.ply')).toThrow(/^chair\.ply: not an ONNX model/);
    expect(() => readOnnxModelInfo(new Uint8Array(0), 'empty.onnx')).toThrow(/^empty\.onnx: not an ONNX model/);
  });
});

describe('findPointInput / pointTensor', () => {
  const graph = (dims: (number | string)[], extra = false) => {
    const g = new OnnxGraph('t');
    const x = g.input('x', 'float32', dims);
    if (extra) g.input('categories', 'int64', ['batch']);
    g.output(g.node('Identity', [x]), 'float32', dims, 'y');
    return readOnnxModelInfo(g.toModel({ metadata: { 'heed.points': '256' } }), 't.onnx');
  };

  it('tells [B, N, 3] from [B, 3, N], takes a fixed N from the shape and else from heed.points', () => {
    expect(findPointInput(graph(['b', 'n', 3]))).toEqual({ name: 'x', layout: 'points-last', points: 256, pointsFixed: false });
    expect(findPointInput(graph(['b', 3, 512]))).toEqual({ name: 'x', layout: 'channels-first', points: 512, pointsFixed: true });
  });

  it('refuses models without a point input, or needing other inputs, naming them', () => {
    expect(() => findPointInput(graph(['b', 32, 32]), 'img.onnx')).toThrow(/img\.onnx: no point-cloud input .*x float32 \[b, 32, 32\]/);
    expect(() => findPointInput(graph(['b', 'n', 3], true), 'seg.onnx')).toThrow(/seg\.onnx: the model also needs categories int64 \[batch\]/);
  });

  it('packs clouds, transposing for channels-first, and refuses unequal clouds', () => {
    const a = Float32Array.from([1, 2, 3, 4, 5, 6]), b = Float32Array.from([7, 8, 9, 10, 11, 12]);
    expect(pointTensor({ name: 'x', layout: 'points-last' }, [a, b])).toEqual({ data: Float32Array.from([...a, ...b]), dims: [2, 2, 3] });
    expect(pointTensor({ name: 'x', layout: 'channels-first' }, [a, b])).toEqual({ data: Float32Array.from([1, 4, 2, 5, 3, 6, 7, 10, 8, 11, 9, 12]), dims: [2, 3, 2] });
    expect(() => pointTensor({ name: 'x', layout: 'points-last' }, [a, a.subarray(0, 3)])).toThrow(/cloud 1 has 1 points, cloud 0 has 2/);
  });
});

describe('attention outputs', () => {
  it('recognises attention outputs and names their points', () => {
    expect(isAttentionOutput('attention_sa1')).toBe(true);
    expect(isAttentionOutput('logits')).toBe(false);
    expect(attentionPointsName('attention.sa1')).toBe('xyz.sa1');
    expect(() => attentionPointsName('logits')).toThrow(/not an attention output/);
  });

  it('reads one query row, per head or averaged over heads', () => {
    // [B=2, H=2, S=2, S=2]: value = 1000b + 100h + 10q + k
    const data = Float32Array.from({ length: 16 }, (_, i) => 1000 * (i >> 3) + 100 * ((i >> 2) & 1) + 10 * ((i >> 1) & 1) + (i & 1));
    const t = { data, dims: [2, 2, 2, 2] };
    expect(Array.from(attentionRow(t, { batch: 1, query: 1, head: 1 }))).toEqual([1110, 1111]);
    expect(Array.from(attentionRow(t, { batch: 1, query: 0 }))).toEqual([1050, 1051]);
    expect(Array.from(attentionRow({ data: Float32Array.from([1, 2, 3, 4]), dims: [1, 2, 2] }, { query: 1 }))).toEqual([3, 4]);
    expect(Array.from(attentionRow({ data: Float32Array.from([1, 2, 3, 4]), dims: [1, 2, 2] }, { query: 1, queries: 'columns' }))).toEqual([2, 4]);
    expect(Array.from(attentionRow(t, { batch: 1, query: 1, head: 0, queries: 'columns' }))).toEqual([1001, 1011]);
    expect(() => attentionRow(t, { query: 2 })).toThrow(/query 2 out of range 0–1/);
    expect(() => attentionRow({ data, dims: [2, 8] }, { query: 0 })).toThrow(/expected \[batch, S, S\]/);
  });
});

describe('ONNX metadata', () => {
  it('reads class names from heed.class_names or heed.classes, as JSON or a list, and not from a count', () => {
    expect(classNamesFromMetadata({ 'heed.class_names': '["chair", "mug"]' })).toEqual(['chair', 'mug']);
    expect(classNamesFromMetadata({ 'heed.classes': 'cube, torus ,cone' })).toEqual(['cube', 'torus', 'cone']);
    expect(classNamesFromMetadata({ 'heed.classes': '10' })).toBeUndefined();
    expect(classNamesFromMetadata({ 'heed.classes': '10', 'heed.class_names': '["a","b"]' })).toEqual(['a', 'b']);
    expect(classNamesFromMetadata({ 'heed.class_names': "['a', 'b'" })).toEqual(['a', 'b']);
    expect(classNamesFromMetadata({ 'heed.class_names': '[1, 2]', 'heed.classes': '["x"]' })).toEqual(['1', '2']);
    expect(classNamesFromMetadata({})).toBeUndefined();
  });

  it('describes an input or output on one line', () => {
    expect(describeValue({ name: 'points', type: 'float32', dims: ['batch', 3, 1024] })).toBe('points float32 [batch, 3, 1024]');
    expect(describeValue({ name: 'x', type: 'unknown' })).toBe('x unknown [?]');
  });
});
