export { SqueezeExcitation, type SqueezeExcitationArgs } from './squeeze-excitation-layer.js';
export { CBAM, type CbamArgs } from './cbam-layer.js';
export { ECA, type EcaArgs } from './eca-layer.js';
export type { LayerArgs, Shape } from './common.js';
