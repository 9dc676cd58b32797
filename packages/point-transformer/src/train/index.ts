// Training and evaluation of PCT-family models on the procedural datasets.
export { registerTransposeFreeMatMulGradient } from './matmul-gradient.js';
export { labelSmoothingCrossEntropy } from './loss.js';
export { cosineLearningRate } from './schedule.js';
export { PCTOptimizer, type OptimizerKind, type OptimizerOptions } from './optimizer.js';
export { epochData, makeBatch, type EpochData, type GeneratorOptions, type HostBatch, type TrainAugment } from './batches.js';
export { accuracy, meanShapeIoU, shapeIoU } from './metrics.js';
export { evaluateClassification, evaluateSegmentation, type EvaluateOptions } from './evaluate.js';
export { parseTrainState, type TrainConfig, type TrainState, type TrainingCheckpoint } from './checkpoint.js';
export { resolveTrainConfig, scaledStages, type TrainConfigOptions } from './train-config.js';
export { trainPCT, type TrainLogRecord, type TrainOptions, type TrainResult } from './trainer.js';
