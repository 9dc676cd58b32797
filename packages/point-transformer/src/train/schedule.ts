/**
 * Cosine annealing from `max` at step 0 to `min` at step `total` (PyTorch's `CosineAnnealingLR`
 * closed form, here per optimisation step rather than per epoch):
 * lr(t) = min + ½ (max − min) (1 + cos(π t / total)). Steps past `total` stay at `min`.
 *
 * @example
 * ```ts
 * cosineLearningRate(0, 100, 0.01, 1e-4);   // 0.01
 * cosineLearningRate(50, 100, 0.01, 1e-4);  // 0.00505
 * cosineLearningRate(100, 100, 0.01, 1e-4); // 0.0001
 * ```
 */
export function cosineLearningRate(step: number, total: number, max: number, min = 0): number {
  if (!(total > 0)) throw new Error(`cosineLearningRate: total must be > 0, got ${total}`);
  const t = Math.min(Math.max(step, 0), total);
  return min + 0.5 * (max - min) * (1 + Math.cos((Math.PI * t) / total));
}
