// Channel/spatial attention (SE, CBAM, ECA) and the CBAM CNN exported to ONNX.
export { type FeatureLayout, type FeatureSizes, featureDims, positionDims, positionAxes, globalPool, channelPool, scaleChannels, scalePositions } from './feature-map.js';
export { bottleneckMlpNodes, sharedMlpSumNodes, mlpWidths } from './mlp.js';
export { type BlockExportOptions, type BlockNodes, BLOCK_INPUT, BLOCK_OUTPUTS, exportBlock } from './block-export.js';
export { squeezeExcitationWeightsOf, ecaWeightsOf, cbamWeightsOf } from './from-layers.js';
export { squeezeExcitationNodes, exportSqueezeExcitation } from './se.js';
export { ecaNodes, exportEca } from './eca.js';
export { cbamChannelGateNodes } from './cbam-channel-gate.js';
export { type SpatialGateNodeOptions, cbamSpatialGateNodes, pointSpatialGateNodes, spatialGateNorm } from './cbam-spatial-gate.js';
export { type CbamNodeOptions, type CbamExportOptions, cbamNodes, exportCbam } from './cbam.js';
export { type Conv2dNodeOptions, conv2dNodes, maxPool2dNodes } from './image-layers.js';
export { type CbamCnnExportOptions, type CbamCnnNodes, CBAM_CNN_INPUT, cbamCnnNodes, exportCbamCnn, standardizeImageNodes } from './cbam-cnn.js';
