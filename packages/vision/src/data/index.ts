export * from './random.js';
export * from './colour.js';
export * from './shapes.js';
export * from './raster.js';
export * from './shape-task.js';
export * from './batch.js';
