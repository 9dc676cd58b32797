export * from './graph/onnx-graph.js';
export * from './export/pct/index.js';
export * from './export/channel-spatial/index.js';
export * from './export/attention/index.js';
export * from './export/vision/index.js';
export * from './run/index.js';
