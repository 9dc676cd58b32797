/**
 * Exit codes of the `heed` command and the errors that map onto them: 0 ok, 1 bad input (a file
 * that cannot be read, a model that does not fit), 2 usage (unknown option, missing argument).
 */
export const EXIT_OK = 0;
export const EXIT_BAD_INPUT = 1;
export const EXIT_USAGE = 2;

/** A mistake in how the command was called; exits with {@link EXIT_USAGE}. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Which exit code an error thrown by a command deserves. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError) return EXIT_USAGE;
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string' && code.startsWith('commander.')) return EXIT_USAGE;
  return EXIT_BAD_INPUT;
}

/** The one line a user sees: the message, never a stack (unless --debug). */
export function describeError(error: unknown, debug: boolean): string {
  if (debug && error instanceof Error && error.stack) return error.stack;
  const message = error instanceof Error ? error.message : String(error);
  return `heed: ${message.split('\n')[0]}`;
}
