import type { Update } from 'grammy/types';
import type { Clock } from '../../../src/clock.js';
import { trusted } from '../../../src/db/connection.js';
import type { Models } from '../../../src/db/models/index.js';
import { CLAIM_SCOPE, updateKey } from '../runtime/dedupe.js';

const SCOPE = 'tg-inbox';
const BATCH = 500;

interface BulkWriteFailure {
  writeErrors?: { index: number; code?: number }[] | { index: number; code?: number };
}

/** Indexes of a bulk insert's documents refused as duplicates; throws on any other failure. */
function duplicateIndexes(error: unknown): Set<number> {
  const failures = (error as BulkWriteFailure | null)?.writeErrors;
  const list = Array.isArray(failures) ? failures : failures ? [failures] : [];
  if (list.length === 0 || list.some((failure) => failure.code !== 11000)) throw error;
  return new Set(list.map((failure) => failure.index));
}

/**
 * Every update is stored the moment it arrives, before Telegram learns it was received (the
 * next getUpdates offset, or the webhook's 200), so a crash loses none: at the next start,
 * stored updates that were never handled are handled. Repeats that Telegram sends (after a
 * crash, or a webhook answer it did not get) are dropped here.
 */
export function createInbox(models: Models, botId: number, clock: Clock) {
  const { KvEntry } = models;
  const key = (update: Update) => updateKey(botId, update.update_id);

  return {
    /** Stores the updates; returns those seen for the first time, to be handled. */
    async store(updates: Update[]): Promise<Update[]> {
      if (updates.length === 0) return [];
      const now = clock();
      // As JSON text: a button press carries its keyboard, an array of arrays, which FerretDB refuses.
      const docs = updates.map((update) => ({ scope: SCOPE, key: key(update), value: JSON.stringify(update), createdAt: now, updatedAt: now }));
      try {
        await KvEntry.collection.insertMany(docs, { ordered: false });
        return updates;
      } catch (error) {
        const repeated = duplicateIndexes(error);
        return updates.filter((_, index) => !repeated.has(index));
      }
    },

    /** Updates stored since `since` whose handling never began, oldest first. */
    async unhandled(since: Date): Promise<Update[]> {
      const pending: Update[] = [];
      let batch: { key: string; value: string }[] = [];
      const flush = async () => {
        const claimed = await KvEntry.find({ scope: CLAIM_SCOPE, key: trusted({ $in: batch.map((entry) => entry.key) }) })
          .select({ key: 1 })
          .lean();
        const started = new Set(claimed.map((entry) => entry.key));
        for (const entry of batch) if (!started.has(entry.key)) pending.push(JSON.parse(entry.value) as Update);
        batch = [];
      };
      const stored = KvEntry.find({ scope: SCOPE, updatedAt: trusted({ $gte: since }) })
        .select({ key: 1, value: 1 })
        .lean<{ key: string; value: string }[]>()
        .cursor();
      for await (const entry of stored) {
        batch.push(entry);
        if (batch.length >= BATCH) await flush();
      }
      if (batch.length) await flush();
      return pending.sort((a, b) => a.update_id - b.update_id);
    },
  };
}

export type Inbox = ReturnType<typeof createInbox>;
export const INBOX_SCOPE = SCOPE;
