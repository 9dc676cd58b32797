/**
 * tfjs-backend-wasm 4.22 ships Conv2D and Conv2DBackpropInput but no Conv2DBackpropFilter, so
 * nothing with a convolution (our CNN, CBAM's spatial gate) can train on wasm. This registers
 * the missing kernel: the patches of `x` are gathered in JavaScript, already transposed
 * ([k·k·Cin, B·Hout·Wout]), and multiplied by `dy` ([B·Hout·Wout, Cout]) with wasm's own
 * BatchMatMul, untransposed (its transposed variants are several times slower, PLATFORM.md).
 */
import * as tf from '@tensorflow/tfjs-core';

/** The parts of tfjs-backend-wasm's BackendWasm this kernel uses. */
interface WasmBackendLike {
  readSync(dataId: tf.DataId): tf.backend_util.BackendValues;
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number, values?: tf.backend_util.BackendValues): tf.TensorInfo;
  disposeData(dataId: tf.DataId, force?: boolean): boolean;
}

/**
 * dW = Σ over batch and output positions of patch(x) ⊗ dy, for NHWC `x`, `dy` and filter
 * [kh, kw, Cin, Cout] (dilation 1, as tfjs's conv2d gradient requires).
 */
const conv2DBackpropFilter: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as {
    strides: [number, number] | number; pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
    dataFormat: 'NHWC' | 'NCHW'; dimRoundingMode?: 'floor' | 'round' | 'ceil'; filterShape: [number, number, number, number];
  };
  if (dataFormat !== 'NHWC') throw new Error(`Conv2DBackpropFilter (wasm, @heed/vision): only NHWC, got ${dataFormat}`);
  const wasm = backend as unknown as WasmBackendLike;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
  const patchesT = gatherPatchesTransposed(wasm.readSync(x.dataId) as Float32Array, info);
  const rows = info.filterHeight * info.filterWidth * info.inChannels;
  const positions = info.batchSize * info.outHeight * info.outWidth;
  const a = wasm.makeOutput([1, rows, positions], 'float32', undefined, patchesT);
  const b = wasm.makeOutput([1, positions, info.outChannels], 'float32', undefined, wasm.readSync(dy.dataId));
  const product = tf.getKernel('BatchMatMul', 'wasm')!.kernelFunc({
    inputs: { a, b }, backend, attrs: { transposeA: false, transposeB: false },
  }) as tf.TensorInfo;
  const values = wasm.readSync(product.dataId);
  for (const t of [a, b, product]) wasm.disposeData(t.dataId, true);
  return wasm.makeOutput(filterShape, 'float32', undefined, values);
};

/** [kh·kw·Cin, B·Hout·Wout]: row (r, c, ci), column (b, y, x) holds x[b, y·s + r − pad, x·s + c − pad, ci] or 0. */
function gatherPatchesTransposed(x: Float32Array, info: tf.backend_util.Conv2DInfo): Float32Array {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const { top, left } = info.padInfo;
  const positions = batchSize * outHeight * outWidth;
  const out = new Float32Array(filterHeight * filterWidth * inChannels * positions);
  for (let r = 0; r < filterHeight; r++) {
    for (let c = 0; c < filterWidth; c++) {
      const rowBase = (r * filterWidth + c) * inChannels;
      for (let b = 0; b < batchSize; b++) {
        for (let oy = 0; oy < outHeight; oy++) {
          const iy = oy * strideHeight + r - top;
          if (iy < 0 || iy >= inHeight) continue;
          for (let ox = 0; ox < outWidth; ox++) {
            const ix = ox * strideWidth + c - left;
            if (ix < 0 || ix >= inWidth) continue;
            const column = (b * outHeight + oy) * outWidth + ox;
            const src = ((b * inHeight + iy) * inWidth + ix) * inChannels;
            for (let ci = 0; ci < inChannels; ci++) out[(rowBase + ci) * positions + column] = x[src + ci]!;
          }
        }
      }
    }
  }
  return out;
}

/**
 * Registers Conv2DBackpropFilter for the 'wasm' backend (once; later calls, or a tfjs release
 * that ships its own, leave the existing kernel alone), so convolutions train on wasm.
 *
 * @example
 * ```ts
 * import '@tensorflow/tfjs-backend-wasm';
 * registerWasmConv2DBackpropFilter();
 * await tf.setBackend('wasm');
 * const dw = tf.grad((w: tf.Tensor4D) => tf.sum(tf.conv2d(x, w, 1, 'same')))(w); // now works
 * ```
 */
export function registerWasmConv2DBackpropFilter(): void {
  if (tf.getKernel(tf.Conv2DBackpropFilter, 'wasm')) return;
  tf.registerKernel({ kernelName: tf.Conv2DBackpropFilter, backendName: 'wasm', kernelFunc: conv2DBackpropFilter });
}
