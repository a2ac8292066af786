import type { Logger } from '../../../src/logger.js';
import { describeError, type Redact } from './redact.js';
import { isNotModified } from './telegram-errors.js';

/**
 * Runs a call whose failure must not stop anything (setting the command menu, removing a
 * keyboard from an old message): a failure is logged and forgotten.
 */
export type Optional = <T>(what: string, call: Promise<T>) => Promise<T | undefined>;

export function createOptional(logger: Logger, redact: Redact): Optional {
  return async (what, call) => {
    try {
      return await call;
    } catch (error) {
      // Removing buttons that are already gone, or showing the page already shown: nothing to say.
      if (isNotModified(error)) return undefined;
      logger.warn({ err: describeError(error, redact) }, `${what} failed (ignored)`);
      return undefined;
    }
  };
}
