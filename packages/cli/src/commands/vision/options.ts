/** Option parsing shared by the `heed vision` commands. */
import type { VisionModelKind } from '@heed/vision';
import { UsageError } from '../../errors.js';

/**
 * `--model` value → model kind (default cbam).
 *
 * @example
 * ```ts
 * parseModelKind('vit'); // 'vit'
 * parseModelKind('resnet'); // throws UsageError
 * ```
 */
export function parseModelKind(value: string | undefined): VisionModelKind {
  const kind = value ?? 'cbam';
  if (kind !== 'cbam' && kind !== 'vit') throw new UsageError(`--model must be cbam or vit, got "${kind}"`);
  return kind;
}

/**
 * A non-negative integer option, or a UsageError naming it.
 *
 * @example
 * ```ts
 * parseCount('--count', '500'); // 500
 * ```
 */
export function parseCount(name: string, value: string, min = 0): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${name} must be an integer ≥ ${min}, got "${value}"`);
  return n;
}
