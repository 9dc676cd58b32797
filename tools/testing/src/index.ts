export * from './backends.js';
export * from './webgpu-adapter.js';
export * from './float64.js';
export * from './leaks.js';
