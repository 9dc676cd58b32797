import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type MlpWeights, SqueezeExcitation, squeezeExcitation } from '@heed/channel-spatial';
import { exportSqueezeExcitation } from './se.js';
import { type ComparisonCase, expectMatchesTfjs, expectNoNewTensors, tensorSource, useCpu } from './test/compare.js';

const C = 12;

function seCase(label: string, x: tf.Tensor, weights: MlpWeights): ComparisonCase {
  const { output, channelWeights } = squeezeExcitation(x, weights);
  return { label, feeds: { features: x }, expected: { output, attention_channel: channelWeights } };
}

describe('exportSqueezeExcitation', () => {
  beforeAll(useCpu);

  it.each([
    ['image', [9, 9], true],
    ['points', [11], false],
  ] as const)('matches tfjs on %s features in ort-node and ort-wasm, at B = 2, 1 and 3', async (layout, positions, bias) => {
    const r = tensorSource(layout === 'image' ? 1 : 2);
    const weights: MlpWeights = {
      w1: r.normal([C, 3], 0.5) as tf.Tensor2D, w2: r.normal([3, C], 0.5) as tf.Tensor2D,
      ...(bias ? { b1: r.normal([3], 0.3) as tf.Tensor1D, b2: r.normal([C], 0.3) as tf.Tensor1D } : {}),
    };
    const model = expectNoNewTensors(() => exportSqueezeExcitation(weights, { layout }));
    const cases = [2, 1, 3].map((b) => seCase(`B=${b}`, r.normal([b, ...positions, C]), weights));
    const worst = await expectMatchesTfjs(model, cases, (s) => {
      expect(s.inputNames).toEqual(['features']);
      expect(s.attentionOutputs).toEqual(['attention_channel']);
    });
    console.log(`SE ${layout}: max |onnx − tfjs|`, worst);
    tf.dispose([...Object.values(weights), ...cases.flatMap((c) => [...Object.values(c.feeds), ...Object.values(c.expected)])]);
  });

  it('exports a built SqueezeExcitation layer (with biases) as its callWithMaps computes', async () => {
    const r = tensorSource(3);
    const layer = new SqueezeExcitation({ reduction: 4, useBias: true });
    const x = r.normal([2, 7, 5, C]);
    layer.build(x.shape);
    const values = layer.getWeights().map((w) => r.normal(w.shape, 0.5));
    layer.setWeights(values);
    const model = expectNoNewTensors(() => exportSqueezeExcitation(layer));
    const { output, channelWeights } = layer.callWithMaps(x);
    await expectMatchesTfjs(model, [{ label: 'layer', feeds: { features: x }, expected: { output, attention_channel: channelWeights } }]);
    tf.dispose([x, output, channelWeights, ...values]);
    layer.weights.forEach((w) => w.dispose());
  });

  it('refuses weights that do not fit together', () => {
    const weights = { w1: tf.zeros([C, 3]) as tf.Tensor2D, w2: tf.zeros([4, C]) as tf.Tensor2D };
    expect(() => exportSqueezeExcitation(weights)).toThrow(/MLP weights do not fit: w1 \[12,3\].*w2 \[4,12\]/);
    tf.dispose(Object.values(weights));
  });
});
