/**
 * Fraction of predictions equal to their label.
 *
 * @example
 * ```ts
 * accuracy([0, 2, 1, 1], [0, 2, 2, 1]); // 0.75
 * ```
 */
export function accuracy(predicted: ArrayLike<number>, labels: ArrayLike<number>): number {
  if (predicted.length !== labels.length) throw new Error(`accuracy: ${predicted.length} predictions for ${labels.length} labels`);
  if (labels.length === 0) return Number.NaN;
  let hits = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) hits++;
  return hits / labels.length;
}

/**
 * One shape's part IoU in the ShapeNet-part convention: for each part of the shape's category,
 * IoU = |pred ∩ gt| / |pred ∪ gt| over the shape's points, counted as 1 when the part is in
 * neither the prediction nor the ground truth; the shape's score is the mean over its category's
 * parts (parts of other categories are ignored).
 *
 * @example
 * ```ts
 * // category parts [3, 4]; points gt [3, 3, 4, 4], predicted [3, 4, 4, 4]
 * shapeIoU([3, 4, 4, 4], [3, 3, 4, 4], [3, 4]); // (1/2 + 2/3) / 2 ≈ 0.583
 * ```
 */
export function shapeIoU(predicted: ArrayLike<number>, labels: ArrayLike<number>, parts: readonly number[]): number {
  if (predicted.length !== labels.length) throw new Error(`shapeIoU: ${predicted.length} predictions for ${labels.length} labels`);
  if (parts.length === 0) throw new Error('shapeIoU: the category has no parts');
  let sum = 0;
  for (const part of parts) {
    let inter = 0, union = 0;
    for (let i = 0; i < labels.length; i++) {
      const p = predicted[i] === part, g = labels[i] === part;
      if (p && g) inter++;
      if (p || g) union++;
    }
    sum += union === 0 ? 1 : inter / union;
  }
  return sum / parts.length;
}

/**
 * ShapeNet-part "instance" mIoU: {@link shapeIoU} per shape, then the plain mean over shapes.
 * `predicted`/`labels` hold `shapes.length` clouds of equal size, back to back; `shapes[s]` lists
 * the parts of shape s's category.
 *
 * @example
 * ```ts
 * meanShapeIoU([0, 0, 1, 1], [0, 0, 1, 0], [[0], [0, 1]]); // (1 + (1/2 + 0) / 2) / 2 = 0.625
 * ```
 */
export function meanShapeIoU(predicted: ArrayLike<number>, labels: ArrayLike<number>, shapes: readonly (readonly number[])[]): number {
  if (predicted.length !== labels.length) throw new Error(`meanShapeIoU: ${predicted.length} predictions for ${labels.length} labels`);
  if (shapes.length === 0) return Number.NaN;
  if (labels.length % shapes.length !== 0) throw new Error(`meanShapeIoU: ${labels.length} points do not split into ${shapes.length} shapes`);
  const n = labels.length / shapes.length;
  let sum = 0;
  shapes.forEach((parts, s) => {
    sum += shapeIoU(Array.prototype.slice.call(predicted, s * n, (s + 1) * n), Array.prototype.slice.call(labels, s * n, (s + 1) * n), parts);
  });
  return sum / shapes.length;
}
