import type { BackendReport, ModelRun } from '../protocol.js';

/**
 * The status line's first part: the engine that ran and why — `auto`'s reason, the backend asked
 * for when it fell back, or that a user's ONNX model ran on onnxruntime beside a tfjs backend —
 * then the adapter.
 *
 * @example
 * ```ts
 * backendLine({ backend: 'ort-wasm', requested: 'auto', adapter: 'onnxruntime-web wasm, SIMD, 2 threads', autoReason: 'fastest on this machine's CPU' }, run);
 * // "ort-wasm (auto: fastest on this machine's CPU): onnxruntime-web wasm, SIMD, 2 threads"
 * ```
 */
export function backendLine(report: BackendReport, run: Pick<ModelRun, 'backend'>): string {
  const why = report.autoReason ? `auto: ${report.autoReason}` : report.fallbackReason ? `asked ${report.requested}` : undefined;
  const line = `${report.backend}${why ? ` (${why})` : ''}: ${report.adapter}`;
  // A user's ONNX model always runs on onnxruntime, whichever tfjs backend is chosen.
  return run.backend === report.backend ? line : `${run.backend} (the ONNX model's engine; backend ${line})`;
}
