/**
 * The point-cloud kernel names (FPS, kNN, offset-attention) and their layouts are defined in
 * `@heed/attention`, beside the attention kernel names, so that backend packages depend on it alone.
 */
export {
  FarthestPointSample, KNearestNeighbours, OffsetAttention,
  type FarthestPointSampleInputs, type FarthestPointSampleAttrs,
  type KNearestNeighboursInputs, type KNearestNeighboursAttrs,
  type OffsetAttentionInputs, type OffsetAttentionAttrs,
} from '@heed/attention';
