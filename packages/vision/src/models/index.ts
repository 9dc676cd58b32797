export * from './vision-model.js';
export * from './parameters.js';
export * from './dense.js';
export * from './standardize-images.js';
export * from './patchify.js';
export * from './attention-rollout.js';
export * from './cbam-cnn.js';
export * from './tiny-vit.js';
