export * from './init-webgpu.js';
export * from './register-fused-kernels.js';
export { FlashAttentionProgram, chooseTiles, type FlashAttentionTiles } from './kernels/flash-attention-program.js';
