/** Learning-rate schedules: a function from the step (0-based) to the rate. */

/** A learning-rate schedule. */
export type LearningRateSchedule = (step: number) => number;

/** Options of {@link learningRateSchedule}. */
export interface ScheduleOptions {
  kind: 'cosine' | 'step';
  /** Peak rate (after warm-up). */
  learningRate: number;
  totalSteps: number;
  /** Linear warm-up from 0 over this many steps. Default 0. */
  warmupSteps?: number;
  /** Cosine: the rate at the last step, as a fraction of the peak. Default 0.01. */
  finalFraction?: number;
  /** Step: multiply by `gamma` at each of these fractions of training. Default [0.5, 0.75]. */
  milestones?: number[];
  /** Step: the factor at each milestone. Default 0.1. */
  gamma?: number;
}

/**
 * Linear warm-up, then cosine decay to `finalFraction · learningRate` or a step decay.
 *
 * @example
 * ```ts
 * const lr = learningRateSchedule({ kind: 'cosine', learningRate: 3e-3, totalSteps: 1000, warmupSteps: 50 });
 * lr(0);    // 6e-5
 * lr(50);   // 3e-3
 * lr(999);  // ≈ 3e-5
 * ```
 */
export function learningRateSchedule(o: ScheduleOptions): LearningRateSchedule {
  const warmup = o.warmupSteps ?? 0;
  const final = o.finalFraction ?? 0.01;
  const milestones = o.milestones ?? [0.5, 0.75];
  const gamma = o.gamma ?? 0.1;
  return (step) => {
    if (step < warmup) return (o.learningRate * (step + 1)) / warmup;
    const progress = Math.min(1, (step - warmup) / Math.max(1, o.totalSteps - warmup - 1));
    if (o.kind === 'cosine') return o.learningRate * (final + (1 - final) * 0.5 * (1 + Math.cos(Math.PI * progress)));
    const passed = milestones.filter((m) => step >= m * o.totalSteps).length;
    return o.learningRate * gamma ** passed;
  };
}
