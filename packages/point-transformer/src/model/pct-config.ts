import type { AttentionKind } from '../attention/attention-map.js';
import type { GroupingStage } from './neighbour-embedding.js';

/** The three networks of the PCT paper (arXiv 2012.09688, §3.3–3.4). */
export type PCTVariant = 'pct' | 'spct' | 'npct';

/** What the head predicts. */
export type PCTTask = 'classification' | 'segmentation';

/** Options of {@link createPCT}. */
export interface PCTOptions {
  /**
   * - `'pct'` (default): neighbour embedding + offset-attention — the reference port's `Pct`.
   * - `'spct'`: point embedding only + offset-attention (the paper's "Simple PCT").
   * - `'npct'`: point embedding only + plain scaled-dot self-attention (the paper's "Naive PCT").
   */
  variant?: PCTVariant;
  /** Default 'classification'. */
  task?: PCTTask;
  /** Object classes (classification) or part labels (segmentation). */
  numClasses: number;
  /** Segmentation only: object categories fed as a one-hot → 64-d embedding. Default 16 (ShapeNet); 0 = none. */
  numCategories?: number;
  /**
   * PCT only: the sample-and-group stages. Default [{512, 32}, {256, 32}] for classification (the
   * reference) and [{'all', 32}, {'all', 32}] for segmentation (no down-sampling: one label per
   * input point). Smaller values make small test models.
   */
  stages?: GroupingStage[];
  /** Dropout rate of the heads in training mode. Default 0.5. */
  dropout?: number;
  /** Seed for the initial weights (random when omitted). */
  seed?: number;
}

/** Every choice of a PCT model, resolved. */
export interface PCTConfig {
  variant: PCTVariant;
  task: PCTTask;
  numClasses: number;
  numCategories: number;
  /** Neighbour-embedding stages; empty for SPCT/NPCT. */
  stages: GroupingStage[];
  dropout: number;
  /** Channels after the first two LBRs: 64 for PCT (as the reference), 128 (the paper's d_e) otherwise. */
  embeddingChannels: number;
  /** Channels of the attention layers: 256 for PCT, 128 for SPCT/NPCT. */
  attentionChannels: number;
  attention: AttentionKind;
  /** PCT/SPCT tie the query and key weights as the reference does; NPCT has separate ones. */
  tieQueryKey: boolean;
  seed?: number;
}

/**
 * Fills in every default of {@link PCTOptions}.
 *
 * @example
 * ```ts
 * resolvePCTConfig({ numClasses: 40 }).attentionChannels; // 256
 * resolvePCTConfig({ variant: 'spct', numClasses: 40 }).stages; // []
 * ```
 */
export function resolvePCTConfig(options: PCTOptions): PCTConfig {
  const variant = options.variant ?? 'pct';
  const task = options.task ?? 'classification';
  if (!['pct', 'spct', 'npct'].includes(variant)) throw new Error(`createPCT: unknown variant '${variant}' (expected 'pct', 'spct' or 'npct')`);
  if (!['classification', 'segmentation'].includes(task)) throw new Error(`createPCT: unknown task '${task}'`);
  if (!Number.isInteger(options.numClasses) || options.numClasses < 1) {
    throw new Error(`createPCT: numClasses must be a positive integer, got ${options.numClasses}`);
  }
  const neighbour = variant === 'pct';
  const defaultStages: GroupingStage[] = task === 'classification'
    ? [{ numSamples: 512, k: 32 }, { numSamples: 256, k: 32 }]
    : [{ numSamples: 'all', k: 32 }, { numSamples: 'all', k: 32 }];
  const stages = neighbour ? (options.stages ?? defaultStages) : [];
  if (!neighbour && options.stages) throw new Error(`createPCT: stages apply to variant 'pct' only (${variant} has no neighbour embedding)`);
  const embeddingChannels = neighbour ? 64 : 128;
  return {
    variant,
    task,
    numClasses: options.numClasses,
    numCategories: task === 'segmentation' ? (options.numCategories ?? 16) : 0,
    stages,
    dropout: options.dropout ?? 0.5,
    embeddingChannels,
    attentionChannels: embeddingChannels * 2 ** stages.length,
    attention: variant === 'npct' ? 'scaled-dot' : 'offset',
    tieQueryKey: variant !== 'npct',
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  };
}
