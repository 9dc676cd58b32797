import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ECA, eca } from '@heed/channel-spatial';
import { exportEca } from './eca.js';
import { type ComparisonCase, expectMatchesTfjs, expectNoNewTensors, feed, maxAbsDiff, tensorSource, useCpu } from './test/compare.js';
import { createOnnxSession } from '../../run/onnx-session.js';

const C = 12;

function ecaCase(label: string, x: tf.Tensor, kernel: tf.Tensor1D): ComparisonCase {
  const { output, channelWeights } = eca(x, { kernel });
  return { label, feeds: { features: x }, expected: { output, attention_channel: channelWeights } };
}

describe('exportEca', () => {
  beforeAll(useCpu);

  it.each([
    ['image', [9, 9], 3],
    ['points', [11], 5],
  ] as const)('matches tfjs on %s features in ort-node and ort-wasm, at B = 2, 1 and 3', async (layout, positions, k) => {
    const r = tensorSource(10 + k);
    const kernel = r.normal([k], 1) as tf.Tensor1D;
    const model = expectNoNewTensors(() => exportEca({ kernel }, { layout, channels: C }));
    const cases = [2, 1, 3].map((b) => ecaCase(`B=${b}`, r.normal([b, ...positions, C]), kernel));
    const worst = await expectMatchesTfjs(model, cases, (s) => expect(s.attentionOutputs).toEqual(['attention_channel']));
    console.log(`ECA ${layout}, k = ${k}: max |onnx − tfjs|`, worst);
    tf.dispose([kernel, ...cases.flatMap((c) => [...Object.values(c.feeds), ...Object.values(c.expected)])]);
  });

  it('exports a built ECA layer; a reversed kernel (convolution instead of correlation) would be caught', async () => {
    const r = tensorSource(21);
    const layer = new ECA({ kernelSize: 5 });
    const x = r.normal([2, 9, 9, C]);
    const { output, channelWeights } = layer.callWithMaps(x); // builds it with PyTorch's init
    const model = expectNoNewTensors(() => exportEca(layer, { channels: C }));
    await expectMatchesTfjs(model, [{ label: 'layer', feeds: { features: x }, expected: { output, attention_channel: channelWeights } }]);
    // The comparison is sharp enough to see a flipped kernel.
    const reversed = tf.reverse(layer.getWeights()[0]!) as tf.Tensor1D;
    const session = await createOnnxSession(exportEca({ kernel: reversed }, { channels: C }), { engine: 'ort-node' });
    const wrong = await session.run({ features: feed(x) });
    expect(maxAbsDiff(wrong['attention_channel']!.data as Float32Array, channelWeights.dataSync())).toBeGreaterThan(1e-3);
    await session.release();
    tf.dispose([x, output, channelWeights, reversed]);
    layer.weights.forEach((w) => w.dispose());
  });

  it('needs the channel count, and an odd kernel', () => {
    const kernel = tf.zeros([4]) as tf.Tensor1D;
    expect(() => exportEca({ kernel }, { channels: C })).toThrow(/k odd/);
    expect(() => exportEca({ kernel: tf.zeros([3]) as tf.Tensor1D }, { channels: 0 })).toThrow(/channels must be a positive integer/);
    kernel.dispose();
  });
});
