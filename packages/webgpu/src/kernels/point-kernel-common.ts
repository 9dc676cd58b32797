/**
 * What the point kernels (farthest point sampling, k nearest neighbours) share: the float32
 * squared distance in WGSL, rounded exactly as the JS reference rounds it, and how much work one
 * dispatch may take before the kernel splits the job across several.
 */

/**
 * WGSL for `heedSquaredDistance(p, c)`: `dx·dx + dy·dy + dz·dz` in f32 with `d = p − c`, every
 * product and sum rounded on its own, in that order — what `squaredDistance32` in
 * `@heed/point-transformer` computes. GPU compilers may contract `a·b + c` into one fused
 * multiply-add (one rounding instead of two), which would change which point wins a near-tie. A
 * bitwise OR with `uniforms.zeroBits` (always 0, but unknown to the compiler) makes each rounded
 * product an opaque value, so no product can be fused into the add that follows it. The program
 * must declare `zeroBits : i32` among its uniforms.
 */
export const SQUARED_DISTANCE_WGSL = `
    fn heedRounded(x : f32) -> f32 { return bitcast<f32>(bitcast<i32>(x) | uniforms.zeroBits); }
    fn heedSquaredDistance(p : vec3<f32>, c : vec3<f32>) -> f32 {
      let d = p - c;
      return (heedRounded(d.x * d.x) + heedRounded(d.y * d.y)) + heedRounded(d.z * d.z);
    }
`;

/**
 * Default for {@link pointKernelDispatchBudget}: 2^26 point pairs per dispatch.
 *
 * @example
 * ```ts
 * setPointKernelDispatchBudget(DEFAULT_PAIRS_PER_DISPATCH); // back to the default
 * ```
 */
export const DEFAULT_PAIRS_PER_DISPATCH = 2 ** 26;

let pairsPerDispatch = DEFAULT_PAIRS_PER_DISPATCH;

/**
 * How many point pairs (distance evaluations) one dispatch of a point kernel may cover. Longer
 * jobs are split: FPS runs a range of samples per dispatch (state carried in its distance
 * buffer), kNN a range of queries. Keeps single dispatches short where a watchdog resets long
 * ones (browsers, desktop drivers); a dispatch is a few hundred microseconds on a data-centre GPU.
 *
 * @example
 * ```ts
 * pointKernelDispatchBudget(); // 67108864
 * ```
 */
export function pointKernelDispatchBudget(): number {
  return pairsPerDispatch;
}

/**
 * Sets {@link pointKernelDispatchBudget} (≥ 1; tests use a tiny budget to exercise the split).
 * Returns the previous value.
 *
 * @example
 * ```ts
 * const previous = setPointKernelDispatchBudget(2 ** 24); // shorter dispatches
 * setPointKernelDispatchBudget(previous);
 * ```
 */
export function setPointKernelDispatchBudget(pairs: number): number {
  if (!Number.isInteger(pairs) || pairs < 1) throw new Error(`setPointKernelDispatchBudget: pairs must be a positive integer, got ${pairs}`);
  const previous = pairsPerDispatch;
  pairsPerDispatch = pairs;
  return previous;
}

/**
 * Largest power of two ≤ `n` (1 for n < 2).
 *
 * @example
 * ```ts
 * floorPow2(1000); // 512
 * ```
 */
export function floorPow2(n: number): number {
  return 2 ** Math.floor(Math.log2(Math.max(1, n)));
}
