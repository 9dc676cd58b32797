/**
 * The acceptance test of the shipped weights: they load (through the same JSON-module import a
 * bundler uses) and reach the targets on fresh images of a seed used neither for training (1)
 * nor for validation during training (999001).
 */
import { describe, expect, it } from 'vitest';
import { useBackend } from '@heed/testing';
import { evaluateVision } from '../eval/evaluate-vision.js';
import { TRAINING_RECIPES } from '../train/recipes.js';
import { loadShippedVisionModel, shippedVisionWeights } from './shipped.js';

const HELD_OUT_SEED = 20_251_125;
const TARGETS = { cbam: { accuracy: 0.9, attentionInsideRatio: 2 }, vit: { accuracy: 0.85, attentionInsideRatio: 1.5 } } as const;

describe.each(['cbam', 'vit'] as const)('shipped %s weights', (kind) => {
  it('reach the targets on 200 fresh held-out images', async () => {
    await useBackend('wasm');
    const model = await loadShippedVisionModel(kind);
    const result = await evaluateVision(model, { seed: HELD_OUT_SEED, count: 200 });
    model.dispose();
    console.log(`shipped ${kind} on seed ${HELD_OUT_SEED}:`, result);
    expect(result.images).toBe(200);
    expect(result.accuracy).toBeGreaterThanOrEqual(TARGETS[kind].accuracy);
    expect(result.attentionInsideRatio).toBeGreaterThanOrEqual(TARGETS[kind].attentionInsideRatio);
  });

  it('carry the architecture and provenance of their recipe', async () => {
    const file = await shippedVisionWeights(kind);
    expect(file.kind).toBe(kind);
    expect(file.config).toEqual(TRAINING_RECIPES[kind].config);
    expect(file.metadata).toMatchObject({ seed: TRAINING_RECIPES[kind].seed });
  });
});
