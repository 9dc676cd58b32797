/**
 * What the point kernels (farthest point sampling, k nearest neighbours) share: the float32
 * squared distance in WGSL, rounded exactly as the JS reference rounds it, and the names they had
 * first for the dispatch budget (now shared with attention: `dispatch-budget.ts`).
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
 * The point kernels' names for the shared dispatch budget ({@link dispatchBudget},
 * {@link setDispatchBudget}, {@link DEFAULT_DISPATCH_BUDGET}), kept as aliases.
 *
 * @example
 * ```ts
 * const previous = setPointKernelDispatchBudget(2 ** 24); // the same budget as setDispatchBudget
 * setPointKernelDispatchBudget(previous);
 * ```
 */
export {
  dispatchBudget as pointKernelDispatchBudget,
  setDispatchBudget as setPointKernelDispatchBudget,
  DEFAULT_DISPATCH_BUDGET as DEFAULT_PAIRS_PER_DISPATCH,
} from './dispatch-budget.js';

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
