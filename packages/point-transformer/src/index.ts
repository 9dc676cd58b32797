export * from './kernels/kernel-names.js';
export * from './sampling/farthest-point-sample.js';
export * from './sampling/k-nearest-neighbours.js';
export * from './sampling/ball-query.js';
export * from './sampling/gather-rows.js';
export * from './sampling/sample-and-group.js';
