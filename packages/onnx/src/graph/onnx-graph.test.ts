import { describe, expect, it } from 'vitest';
import { createOnnxSession } from '../run/onnx-session.js';
import { OnnxGraph, float } from './onnx-graph.js';

describe('OnnxGraph', () => {
  it('serialises a graph onnxruntime runs: inputs, initializers, attributes, renamed outputs', async () => {
    const g = new OnnxGraph('tiny');
    const x = g.input('x', 'float32', ['batch', 3]);
    const scaled = g.node('Mul', [x, g.constant(new Float32Array([1, 2, 3]), [3])]);
    const leaky = g.node('LeakyRelu', [scaled], { alpha: float(0.25) });
    g.output(g.node('ReduceSum', [leaky, g.int64s([1])], { keepdims: 0 }), 'float32', ['batch'], 'total');
    for (const engine of ['ort-node', 'ort-wasm'] as const) {
      const session = await createOnnxSession(g.toModel(), { engine });
      expect(session.outputNames).toEqual(['total']);
      const { total } = await session.run({ x: { data: new Float32Array([1, -1, 2, -4, 0, 1]), dims: [2, 3] } });
      // row 0: 1 + 0.25·(−2) + 6 = 6.5; row 1: 0.25·(−4) + 0 + 3 = 2
      expect([...total!.data]).toEqual([6.5, 2]);
      expect(total!.dims).toEqual([2]);
      await session.release();
    }
  });

  it('names a missing input and an unknown output', async () => {
    const g = new OnnxGraph('id');
    g.output(g.node('Identity', [g.input('x', 'float32', [1])]), 'float32', [1], 'y');
    const session = await createOnnxSession(g.toModel(), { engine: 'ort-node' });
    await expect(session.run({})).rejects.toThrow(/missing input\(s\) x/);
    await expect(session.run({ x: { data: new Float32Array([1]), dims: [1] } }, ['z'])).rejects.toThrow(/no output\(s\) z .*gives y/);
  });

  it('refuses bytes that are not a model, saying which engine', async () => {
    await expect(createOnnxSession(new Uint8Array([1, 2, 3]), { engine: 'ort-node' })).rejects.toThrow(/onnxruntime \(ort-node\) could not load/);
  });

  it('keeps public names exact: an input or output whose name is taken throws instead of becoming name_N', () => {
    const g = new OnnxGraph('clash');
    const x = g.input('x', 'float32', [2]);
    expect(() => g.input('x', 'float32', [2])).toThrow(/cannot name an input "x" — the name is already used/);
    const y = g.node('Relu', [x], {}, 'y');
    g.output(y, 'float32', [2]);
    expect(() => g.output(y, 'float32', [2])).toThrow(/"y" is already an output/);
    expect(() => g.output(g.node('Neg', [x]), 'float32', [2], 'y')).toThrow(/cannot name an output "y"/);
    // a nested body's names are internal (bound by position), so they may repeat
    const body = g.subgraph('body');
    expect(body.input('x', 'float32', [2])).toBe('x_1');
  });
});
