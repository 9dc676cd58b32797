export * from './masked-softmax.js';
export * from './scaled-dot-product-attention.js';
export * from './kernels/kernel-names.js';
export * from './batched-matmul.js';
export * from './scoring.js';
export * from './additive-attention.js';
export * from './nadaraya-watson.js';
export * from './hard-attention.js';
