export * from './pct-export.js';
export * from './point-sampling-nodes.js';
