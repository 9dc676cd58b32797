export * from './onnx-session.js';
export * from './attention-outputs.js';
export * from './model-info.js';
export * from './point-input.js';
