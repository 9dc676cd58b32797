import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createPCT, readSafetensors } from '@heed/point-transformer';
import type { LoadedModel } from '../model-catalog.js';

const weights = (name: string) => fileURLToPath(new URL(`../../../../../packages/point-transformer/weights/${name}`, import.meta.url));

/** A shipped model read from @heed/point-transformer's weights/ folder (what the viewer bundles), on the active tfjs backend. */
export function shippedModel(id: string): LoadedModel {
  const config = JSON.parse(readFileSync(weights(`${id}.config.json`), 'utf8'));
  const model = createPCT({ variant: config.variant, task: config.task, numClasses: config.numClasses, ...(config.stages ? { stages: config.stages } : {}), ...(config.numCategories ? { numCategories: config.numCategories } : {}) });
  model.loadStateDict(readSafetensors(readFileSync(weights(`${id}.safetensors`))));
  return {
    model, labels: JSON.parse(readFileSync(weights(`${id}.classes.json`), 'utf8')),
    descriptor: { id, label: id, variant: config.variant, task: config.task, points: config.points, available: true },
  };
}
