import { Types } from 'mongoose';
import { trusted } from '../../../src/db/connection.js';
import type { FileStore } from '../../../src/db/files.js';
import type { Models } from '../../../src/db/models/index.js';
import type { SessionData } from '../context.js';
import { INBOX_SCOPE } from '../store/inbox.js';
import { kvScope } from '../../../src/db/kv-scope.js';
import { MESSAGE_LINK_SCOPE } from '../store/message-links.js';
import { SESSION_SCOPE } from '../store/session-storage.js';
import { CLAIM_SCOPE } from './dedupe.js';

const DAY_MS = 24 * 3600 * 1000;

/** How long the bot's state is kept after it was last written. */
export const retention = {
  /** Telegram re-sends an update for at most a day; three leave room for a long outage. */
  updates: 3 * DAY_MS,
  /** Replying to an older message still works for requesters by the "#N" it names. */
  messageLinks: 90 * DAY_MS,
  /** A /new dialog left alone this long is dropped, with the files it stored. */
  drafts: 7 * DAY_MS,
} as const;

/** Drops abandoned /new drafts: their files would otherwise stay in GridFS for good. */
async function pruneAbandonedDrafts(models: Models, files: FileStore, before: Date): Promise<number> {
  let pruned = 0;
  const stale = models.KvEntry.find({ scope: SESSION_SCOPE, updatedAt: trusted({ $lt: before }) })
    .lean()
    .cursor();
  for await (const entry of stale) {
    const dialog = (entry.value as SessionData | undefined)?.dialog;
    if (dialog?.kind !== 'new') continue;
    // Only if still untouched: the user may have come back meanwhile.
    const cleared = await models.KvEntry.updateOne({ _id: entry._id, updatedAt: entry.updatedAt }, { $unset: { 'value.dialog': 1 } });
    if (cleared.modifiedCount !== 1) continue;
    for (const file of dialog.files) await files.discard(new Types.ObjectId(file.fileId));
    pruned += 1;
  }
  return pruned;
}

/** Forgets what the bot no longer needs; run at start and every few hours. */
export async function pruneBotState(models: Models, files: FileStore, now: Date): Promise<Record<string, number>> {
  const ago = (ms: number) => new Date(now.getTime() - ms);
  return {
    updates:
      (await kvScope(models, CLAIM_SCOPE).pruneBefore(ago(retention.updates))) +
      (await kvScope(models, INBOX_SCOPE).pruneBefore(ago(retention.updates))),
    messageLinks: await kvScope(models, MESSAGE_LINK_SCOPE).pruneBefore(ago(retention.messageLinks)),
    drafts: await pruneAbandonedDrafts(models, files, ago(retention.drafts)),
  };
}
