export * from './additive-attention-layer.js';
