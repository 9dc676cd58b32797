// Blocks, functional: explicit weights in, output and attention maps out.
export { squeezeExcitation } from './se.js';
export { cbam, type CbamOptions, type CbamResult, type CbamWeights } from './cbam.js';
export { cbamChannelGate } from './cbam-channel-gate.js';
export { cbamSpatialGate } from './cbam-spatial-gate.js';
export { pointSpatialGate } from './point-spatial-gate.js';
export { eca, ecaKernelSize, type EcaWeights } from './eca.js';
export type { SpatialGateOptions, SpatialGateResult, SpatialGateWeights } from './spatial-gate-head.js';
export type { ChannelAttentionResult } from './channels.js';

// Blocks as tfjs-layers Layers.
export { SqueezeExcitation, type SqueezeExcitationArgs } from './layers/squeeze-excitation-layer.js';
export { CBAM, type CbamArgs } from './layers/cbam-layer.js';
export { ECA, type EcaArgs } from './layers/eca-layer.js';

// Building blocks they share.
export { globalAvgPool, globalMaxPool, channelMax, channelMean, scaleChannels, scalePositions } from './channels.js';
export { bottleneckMlp, bottleneckWidth, sharedMlpSum, type MlpWeights } from './mlp.js';
export {
  BATCH_NORM_EPSILON, BATCH_NORM_MOMENTUM, batchNormalize, movingStatsAfter,
  type BatchNormOptions, type BatchNormResult, type BatchNormWeights, type BatchStats,
} from './batch-norm.js';
