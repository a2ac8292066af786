import type { Context, MiddlewareFn } from 'grammy';
import type { Models } from '../../../src/db/models/index.js';
import type { Logger } from '../../../src/logger.js';
import { kvScope } from '../../../src/db/kv-scope.js';

/**
 * Marks that an update's handling began, once per update id (the unique (scope, key) index
 * decides). Repeats Telegram sends are already dropped by the inbox; this guards the rest: an
 * update handed over again at start while another instance handles it, or one whose handling
 * was under way when the process died, which is not run twice (a half-done update repeated
 * could open a second ticket).
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

