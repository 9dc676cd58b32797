export * from './adam.js';
export * from './schedule.js';
export * from './train-vision-model.js';
export * from './recipes.js';
