/**
 * How much work one dispatch of a Heed kernel may take before the kernel splits the job across
 * several. One budget for all kernels, counted in pair evaluations: point pairs (a distance) for
 * FPS and kNN, query–key pairs (a score) for attention.
 */

/**
 * Default for {@link dispatchBudget}: 2^26 pairs per dispatch.
 *
 * @example
 * ```ts
 * setDispatchBudget(DEFAULT_DISPATCH_BUDGET); // back to the default
 * ```
 */
export const DEFAULT_DISPATCH_BUDGET = 2 ** 26;

/**
 * Default for {@link minDispatchWorkgroups}: 1024 workgroups, a few per compute unit on the
 * largest GPUs (an H100 has 132 SMs).
 */
export const DEFAULT_MIN_DISPATCH_WORKGROUPS = 1024;

let pairsPerDispatch = DEFAULT_DISPATCH_BUDGET;
let minWorkgroups = DEFAULT_MIN_DISPATCH_WORKGROUPS;

/**
 * How many pair evaluations one dispatch may cover: point pairs in FPS (a range of samples per
 * dispatch, state carried in its distance buffer) and kNN (a range of queries), query–key scores
 * in fused attention (ranges of slices and query rows). Keeps single dispatches short where a
 * watchdog resets long ones (browsers, desktop drivers).
 *
 * @example
 * ```ts
 * dispatchBudget(); // 67108864
 * ```
 */
export function dispatchBudget(): number {
  return pairsPerDispatch;
}

/**
 * The fewest workgroups a kernel split by rows (attention, kNN) puts in one dispatch, whatever
 * {@link dispatchBudget} says, when the job has that many. The work of one workgroup grows with
 * the key count, so at long sequences the budget alone would give dispatches of a handful of
 * workgroups: on a large GPU they would run one after another, most of it idle, and finish no
 * sooner each.
 *
 * @example
 * ```ts
 * minDispatchWorkgroups(); // 1024
 * ```
 */
export function minDispatchWorkgroups(): number {
  return minWorkgroups;
}

/**
 * Sets {@link dispatchBudget} and {@link minDispatchWorkgroups} (positive integers; the second
 * goes back to its default when omitted — tests pass 1 with a tiny budget to exercise the split).
 * Returns the previous budget.
 *
 * @example
 * ```ts
 * const previous = setDispatchBudget(2 ** 24, 64); // shorter dispatches, down to 64 workgroups
 * setDispatchBudget(previous);
 * ```
 */
export function setDispatchBudget(pairs: number, workgroups = DEFAULT_MIN_DISPATCH_WORKGROUPS): number {
  for (const [name, value] of [['pairs', pairs], ['workgroups', workgroups]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`setDispatchBudget: ${name} must be a positive integer, got ${value}`);
  }
  const previous = pairsPerDispatch;
  pairsPerDispatch = pairs;
  minWorkgroups = workgroups;
  return previous;
}
