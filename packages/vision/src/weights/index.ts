export * from './base64.js';
export * from './weights-file.js';
export * from './shipped.js';
