import { kvScope } from '../../../src/db/kv-scope.js';
import type { Models } from '../../../src/db/models/index.js';
import { EVENT_CLAIM_SCOPE } from './event-dedupe.js';

const DAY = 24 * 3600 * 1000;

/** How long each kind of the app's own state is kept after it was last written. */
const keepFor: Record<string, number> = {
  // Slack retries an event for minutes, not days.
  [EVENT_CLAIM_SCOPE]: 3 * DAY,
  'slack-alert': 3 * DAY,
  // An unanswered "open a ticket with this message?" button.
  'slack-offer': 7 * DAY,
  // Ticket threads in DMs: a reply there after half a year starts a new thread instead.
  'slack-thread': 180 * DAY,
  'slack-dm-thread': 180 * DAY,
};

/** Forgets the Slack app's state that no longer guards or routes anything. */
export async function pruneSlackState(models: Models, now: Date): Promise<Record<string, number>> {
  const pruned: Record<string, number> = {};
  for (const [scope, age] of Object.entries(keepFor)) {
    pruned[scope] = await kvScope(models, scope).pruneBefore(new Date(now.getTime() - age));
  }
  return pruned;
}
