import type { Types } from 'mongoose';
import { trusted } from '../db/connection.js';
import type { Models } from '../db/models/index.js';
import { writeBehind } from '../db/write-behind.js';
import type { Logger } from '../logger.js';

/** Cards remembered in memory; the oldest are forgotten first (their record still says). */
const REMEMBERED = 50_000;

/**
 * The ticket version each card shows, so an edit that would show nothing new is skipped.
 * Known in memory at once (an edit never waits for a write), written to the card's record a
 * few seconds later, the latest version of each card only: a busy card is edited many times a
 * minute and its record written once in a while. After a restart the record may lag, which
 * costs at most one edit that changes nothing.
 */
export function createCardVersions(models: Models, logger: Logger) {
  const shown = new Map<string, number>();
  const records = writeBehind<{ id: Types.ObjectId; version: number }>({
    delayMs: 5000,
    // One update each, in the background: an update command with many statements holds a
    // FerretDB connection per statement until it ends (see kv-scope.ts).
    write: async (batch) => {
      for (const { id, version } of batch) await models.CardMessage.updateOne({ _id: id, version: trusted({ $lt: version }) }, { $set: { version } });
    },
    onError: (error) => logger.warn({ err: error }, 'card versions not written: the next edit of those cards may repeat'),
  });

  return {
    /** The version a card shows: what this process last rendered there, or its record. */
    shownOn(card: { _id: Types.ObjectId; version: number }): number {
      return Math.max(card.version, shown.get(card._id.toHexString()) ?? 0);
    },

    /** Notes that a card now shows `version`. */
    record(cardId: Types.ObjectId, version: number): void {
      const key = cardId.toHexString();
      if ((shown.get(key) ?? 0) >= version) return;
      shown.delete(key);
      shown.set(key, version);
      if (shown.size > REMEMBERED) shown.delete(shown.keys().next().value!);
      records.add(key, { id: cardId, version });
    },

    flush: () => records.flush(),
  };
}

export type CardVersions = ReturnType<typeof createCardVersions>;
