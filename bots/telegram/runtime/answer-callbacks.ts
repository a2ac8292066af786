import type { Context, MiddlewareFn } from 'grammy';
import type { Logger } from '../../../src/logger.js';
import { describeError, type Redact } from './redact.js';

/**
 * Every callback query gets an answer, whatever the handler did (or threw), so no button
 * keeps spinning. Handlers answer with a text when they have one; this closes the rest.
 */
export function answerEveryCallback(logger: Logger, redact: Redact): MiddlewareFn<Context> {
  return async (ctx, next) => {
    if (!ctx.callbackQuery) return next();
    let answered = false;
    ctx.api.config.use((prev, method, payload, signal) => {
      if (method === 'answerCallbackQuery') answered = true;
      return prev(method, payload, signal);
    });
    try {
      await next();
    } finally {
      if (!answered) {
        await ctx.answerCallbackQuery().catch((error: unknown) => {
          logger.warn({ err: describeError(error, redact) }, 'answering a callback query failed');
        });
      }
    }
  };
}
