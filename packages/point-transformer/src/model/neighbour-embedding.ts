import * as tf from '@tensorflow/tfjs-core';
import { Module, type SeedStream } from '../nn/module.js';
import { sampleAndGroupIndices } from '../sampling/sample-and-group.js';
import { LocalOp } from './local-op.js';

/** One sample-and-group stage: how many centres (or every point, in order) and how many neighbours. */
export interface GroupingStage {
  numSamples: number | 'all';
  k: number;
}

/** Features on a (possibly sampled) point set. */
export interface PointFeatures {
  xyz: tf.Tensor3D;
  features: tf.Tensor3D;
}

/**
 * PCT's neighbour embedding: per stage, `sampleAndGroup` (FPS centres, kNN groups, features
 * concat[neighbour − centre, centre]) then a {@link LocalOp} doubling the channels (run as
 * `LocalOp.applyIndexed`, which factors the first convolution through the grouping). The reference
 * runs two stages (512 then 256 centres, k = 32) from 64 channels: `gather_local_0` (128 → 128)
 * and `gather_local_1` (256 → 256).
 *
 * @example
 * ```ts
 * const emb = new NeighbourEmbedding(64, [{ numSamples: 512, k: 32 }, { numSamples: 256, k: 32 }]);
 * const { xyz, features } = emb.apply({ xyz: points, features: f64 }, false); // [B, 256, 3], [B, 256, 256]
 * ```
 */
export class NeighbourEmbedding extends Module {
  readonly ops: LocalOp[];
  readonly outChannels: number;

  constructor(inChannels: number, readonly stages: readonly GroupingStage[], seeds: SeedStream = () => undefined) {
    super();
    let c = inChannels;
    this.ops = stages.map((_, i) => {
      const op = this.addChild(`gather_local_${i}`, new LocalOp(2 * c, 2 * c, seeds));
      c *= 2;
      return op;
    });
    this.outChannels = c;
  }

  /** Points and their features [B, N, C] → centres and features [B, S, C·2^stages]. */
  apply(input: PointFeatures, training: boolean): PointFeatures {
    return tf.tidy(() => {
      let { xyz, features } = input;
      this.stages.forEach((stage, i) => {
        const g = sampleAndGroupIndices(stage.numSamples, stage.k, xyz);
        features = this.ops[i]!.applyIndexed(features, g.centres, g.neighbours, training);
        xyz = g.newXyz;
      });
      return { xyz, features };
    });
  }
}
