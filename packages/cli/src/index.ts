export * from './program.js';
export * from './errors.js';
export * from './progress.js';
export * from './backend.js';
