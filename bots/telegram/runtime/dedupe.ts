import type { Context, MiddlewareFn } from 'grammy';
import type { Models } from '../../../src/db/models/index.js';
import type { Logger } from '../../../src/logger.js';
import { kvScope } from '../store/kv.js';

/**
 * Processes each update id once. Telegram re-sends updates after a crash (the getUpdates
 * offset was not confirmed) or a slow webhook answer; the unique (scope, key) index lets
 * exactly one delivery through. Claimed before handling: at most once, because a half-done
 * update repeated could open a second ticket.
 */
export function dedupeUpdates(models: Models, logger: Logger): MiddlewareFn<Context> {
  const seen = kvScope<{ at: string }>(models, CLAIM_SCOPE);
  return async (ctx, next) => {
    const key = updateKey(ctx.me.id, ctx.update.update_id);
    if (!(await seen.insertNew(key, { at: new Date().toISOString() }))) {
      logger.info({ updateId: ctx.update.update_id }, 'telegram update already processed: skipped');
      return;
    }
    await next();
  };
}

/** Where update ids are claimed as their handling begins. */
export const CLAIM_SCOPE = 'tg-update';

export function updateKey(botId: number, updateId: number): string {
  return `${botId}:${updateId}`;
}

