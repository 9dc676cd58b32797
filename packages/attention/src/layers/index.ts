export * from './additive-attention-layer.js';
export * from './multi-head-attention-layer.js';
export * from './positional-embedding-layer.js';
export * from './transformer-layers.js';
