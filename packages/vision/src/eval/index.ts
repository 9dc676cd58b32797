export * from './attention-inside-ratio.js';
export * from './evaluate-vision.js';
