export * from './masked-softmax.js';
export * from './scaled-dot-product-attention.js';
export * from './kernels/kernel-names.js';
export * from './batched-matmul.js';
