import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import { kvScope } from '../../../src/db/kv-scope.js';
import type { Models } from '../../../src/db/models/index.js';
import type { Logger } from '../../../src/logger.js';

export const EVENT_CLAIM_SCOPE = 'slack-event';

/**
 * Each Events API event is handled once. Slack sends an event again (X-Slack-Retry-Num) when
 * an answer was late or failed, and a second app instance may receive the same one: the first
 * to insert its event id (unique index) handles it, the others drop it.
 */
export function dedupeEvents(models: Models, logger: Logger, now: () => Date): Middleware<AnyMiddlewareArgs> {
  const seen = kvScope<{ at: string }>(models, EVENT_CLAIM_SCOPE);
  return async ({ body, next }) => {
    const eventId = (body as { event_id?: unknown }).event_id;
    if (typeof eventId === 'string' && !(await seen.insertNew(eventId, { at: now().toISOString() }))) {
      logger.info({ eventId }, 'slack event already processed: skipped');
      return;
    }
    await next();
  };
}
