import type { Middleware, AnyMiddlewareArgs } from '@slack/bolt';
import { serializeByKey } from '../../../src/notify/serialize-by-key.js';

/**
 * What an incoming event must wait for: Slack sends each event in a request of its own, and
 * several may be handled at once. One person's messages in one conversation (a DM, a card's
 * thread) are comments of one dialog, journaled in the order they came; everything else runs
 * side by side: other people, other threads, other tickets of the same channel.
 * Interactions (buttons, modals) are not held: they must be acknowledged within 3 s, and the
 * ticket's journal orders their changes.
 */
export function eventOrderKey(body: unknown): string | null {
  const event = (body as { event?: { type?: unknown; channel?: unknown; user?: unknown; thread_ts?: unknown } } | undefined)?.event;
  if (!event || event.type !== 'message' || typeof event.channel !== 'string' || typeof event.user !== 'string') return null;
  return `${event.channel}:${typeof event.thread_ts === 'string' ? event.thread_ts : ''}:${event.user}`;
}

/** Global middleware: events with the same key one after another, in the order they arrived. */
export function inOrderPerDialog(): Middleware<AnyMiddlewareArgs> {
  const inOrder = serializeByKey();
  return async ({ body, next }) => {
    const key = eventOrderKey(body);
    await (key ? inOrder(key, () => next()) : next());
  };
}
