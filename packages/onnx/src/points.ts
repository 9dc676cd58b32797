/**
 * `@heed/onnx/points`: what a point-cloud app needs — running ONNX models, reading their attention
 * outputs, and exporting the PCT family — without the image and attention-block exporters (and so
 * without @heed/vision in the bundle).
 */
export * from './run/index.js';
export * from './graph/onnx-graph.js';
export * from './export/pct/index.js';
