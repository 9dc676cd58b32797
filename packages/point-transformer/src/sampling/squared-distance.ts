/**
 * Squared Euclidean distance between point `i` of `a` and point `j` of `b` (flat xyz arrays),
 * rounded exactly as float32 code computes `dx·dx + dy·dy + dz·dz` (each step rounded, in that
 * order). Every sampler in this package uses it, so JS, tfjs ops and the PyTorch fixture agree to
 * the last bit and pick the same indices.
 */
export function squaredDistance32(a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number): number {
  const f = Math.fround;
  const dx = f(a[3 * i]! - b[3 * j]!);
  const dy = f(a[3 * i + 1]! - b[3 * j + 1]!);
  const dz = f(a[3 * i + 2]! - b[3 * j + 2]!);
  return f(f(f(dx * dx) + f(dy * dy)) + f(dz * dz));
}
