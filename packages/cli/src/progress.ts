import { SingleBar, Presets } from 'cli-progress';

/** Something long work reports to: `update(done)` with `done` out of `total`. */
export interface Progress {
  update(done: number, note?: string): void;
  stop(): void;
}

/**
 * A progress bar on stderr (so `--json` output on stdout stays clean); silent when stderr is not a
 * terminal, so logs and pipes get no control characters.
 *
 * @example
 * ```ts
 * const bar = progressBar('training', 100);
 * for (let i = 1; i <= 100; i++) bar.update(i);
 * bar.stop();
 * ```
 */
export function progressBar(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return { update: () => {}, stop: () => {} };
  const bar = new SingleBar(
    { format: `${label} [{bar}] {percentage}% | {value}/{total} {note}`, stream, hideCursor: true },
    Presets.shades_classic,
  );
  bar.start(total, 0, { note: '' });
  return {
    update: (done, note = '') => bar.update(done, { note }),
    stop: () => bar.stop(),
  };
}
