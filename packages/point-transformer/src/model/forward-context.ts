import type { AttentionMap } from '../attention/attention-map.js';

/** What a forward pass needs to know beyond its inputs. */
export interface ForwardContext {
  /** Training mode: batch statistics in BatchNorm (running statistics updated), dropout on. */
  training: boolean;
  /** Seed for dropout masks (training only). */
  seed?: number;
  /** When set, attention layers append their {@link AttentionMap} here (tensors kept). */
  attention?: { mode: 'matrices' | 'factors'; maps: AttentionMap[] };
}
