import type { OnnxEngine, OnnxModelInfo, OnnxTensor } from '@heed/onnx';
import type { PCTModel, PreparedCloud } from '@heed/point-transformer';

/** A Heed PCT run once through onnxruntime: its outputs and what the exported file says about them. */
export interface OnnxPrediction {
  outputs: Record<string, OnnxTensor>;
  info: OnnxModelInfo;
}

/**
 * Runs a loaded PCT on one prepared cloud through onnxruntime: exports it (weights included, with
 * `attention_*`/`xyz_*` outputs on request) and runs the graph on `engine`. In Node the native
 * engine is several times faster than tfjs-wasm on the same model, export included.
 *
 * @example
 * ```ts
 * const { outputs } = await predictWithOnnx(model, prepared, 'ort-node', false);
 * outputs.logits.data; // Float32Array(classes)
 * ```
 */
export async function predictWithOnnx(model: PCTModel, prepared: PreparedCloud, engine: OnnxEngine, attention: boolean): Promise<OnnxPrediction> {
  const { createOnnxSession, exportPCT, readOnnxModelInfo } = await import('@heed/onnx');
  const bytes = exportPCT(model, { attention });
  const session = await createOnnxSession(bytes, { engine });
  try {
    const outputs = await session.run({ points: { data: prepared.points, dims: [1, prepared.points.length / 3, 3] } });
    return { outputs, info: readOnnxModelInfo(bytes) };
  } finally {
    await session.release();
  }
}
