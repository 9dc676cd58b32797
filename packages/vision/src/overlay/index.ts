export * from './colormap.js';
export * from './bitmap-font.js';
export * from './render-overlay.js';
export * from './model-overlay.js';
