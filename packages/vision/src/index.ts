export * from './data/index.js';
export * from './kernels/wasm-conv2d-backprop-filter.js';
export * from './models/index.js';
export * from './train/index.js';
export * from './eval/index.js';
export * from './overlay/index.js';
export * from './weights/index.js';
