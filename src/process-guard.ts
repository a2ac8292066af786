import type { Logger } from './logger.js';

export interface ProcessGuardOptions {
  /** Stray errors within `windowMs` that mean the process cannot go on. */
  limit?: number;
  windowMs?: number;
  /** How the process ends when it cannot go on (process.exit in production). */
  exit?: (code: number) => void;
}

/** Where a stray error came from, for the log: a library's code rarely says. */
function describe(error: unknown): Record<string, unknown> {
  if (error instanceof Error) return { type: error.name, message: error.message, code: (error as { code?: unknown }).code, stack: error.stack };
  return { type: typeof error, value: String(error) };
}

/**
 * Keeps a library's stray failure from ending the helpdesk: a promise rejected with nobody to
 * catch it (Agenda's unlockJob on a busy database was one) or an exception thrown outside any
 * request (a socket's 'error' nobody listens to) is logged with what is known of it, and the
 * helpdesk goes on; every request and job has its own error handling, so what failed was on
 * its own. Only a flood of them (`limit` within `windowMs`: the process is broken, not one
 * call) ends it, with exit code 70 and a message for the supervisor, which restarts it.
 * Returns the function that removes the guard.
 */
export function guardProcess(logger: Logger, options: ProcessGuardOptions = {}): () => void {
  const limit = options.limit ?? 50;
  const windowMs = options.windowMs ?? 60_000;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let recent: number[] = [];
  let exiting = false;

  function stray(kind: string, error: unknown): void {
    const now = Date.now();
    recent = [...recent.filter((at) => at > now - windowMs), now];
    logger.error({ err: describe(error), kind }, `${kind} outside any request or job: logged, the helpdesk goes on`);
    if (recent.length >= limit && !exiting) {
      exiting = true;
      logger.fatal({ errors: recent.length, windowMs }, 'too many stray errors in a short time: the process is not sound; exiting for the supervisor to restart it');
      // The line must reach the log before the process goes (output to a pipe is written later).
      const fallback = setTimeout(() => exit(70), 1000);
      logger.flush(() => {
        clearTimeout(fallback);
        exit(70);
      });
    }
  }

  const onRejection = (reason: unknown) => stray('unhandled promise rejection', reason);
  const onException = (error: Error) => stray('uncaught exception', error);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  };
}
