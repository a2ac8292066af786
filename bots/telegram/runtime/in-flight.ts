import type { MiddlewareFn } from 'grammy';

/** Counts updates being handled, so stop() can let them finish before the database closes. */
export function inFlight() {
  let count = 0;
  let waiters: (() => void)[] = [];
  const middleware: MiddlewareFn = async (_ctx, next) => {
    count += 1;
    try {
      await next();
    } finally {
      count -= 1;
      if (count === 0) {
        for (const wake of waiters) wake();
        waiters = [];
      }
    }
  };
  return {
    middleware,
    /** Resolves when no update is being handled, or after `timeoutMs`. */
    idle(timeoutMs: number): Promise<void> {
      if (count === 0) return Promise.resolve();
      return new Promise((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}
