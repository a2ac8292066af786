import type { Types } from 'mongoose';
import { trusted } from '../../db/connection.js';
import { isDuplicateKey } from '../../db/duplicate-key.js';
import type { Models } from '../../db/models/index.js';
import type { OutboxEntry } from '../../db/models/outbox-entry.js';
import type { Logger } from '../../logger.js';
import { writeBehind } from '../../db/write-behind.js';

/** What the outbox holds of an entry in memory. */
export type StoredEntry = Pick<OutboxEntry, '_id' | 'ticketId' | 'seq' | 'assigneeId' | 'assigneeKnown'>;

const DONE_FLUSH_MS = 100;
const TAKEOVER_BATCH = 500;

/**
 * The outbox's collection. Every write that decides something is one command: storing an entry
 * (before the change returns), renewing this instance's leases, taking over entries whose owner
 * is gone. Marking entries done is batched a moment: an entry left pending by a crash is only
 * delivered again, and every message of a delivery is claimed once, so nothing goes out twice.
 */
export function createOutboxStore(models: Models, logger: Logger) {
  const { OutboxEntry } = models;
  // Done marks wait a moment and go together (see above).
  const done = writeBehind<{ id: Types.ObjectId; givenUp: string[]; lastError: string | null }>({
    delayMs: DONE_FLUSH_MS,
    write: async (batch) => {
      const plain = batch.filter((entry) => entry.givenUp.length === 0);
      const writes: Promise<unknown>[] = [];
      if (plain.length) writes.push(OutboxEntry.updateMany({ _id: trusted({ $in: plain.map((entry) => entry.id) }) }, { $set: { state: 'done', owner: null } }));
      for (const entry of batch.filter((candidate) => candidate.givenUp.length > 0)) {
        writes.push(OutboxEntry.updateOne({ _id: entry.id }, { $set: { state: 'done', owner: null, givenUp: entry.givenUp, lastError: entry.lastError } }));
      }
      await Promise.all(writes);
    },
    onError: (error) => logger.warn({ err: error }, 'outbox: marking entries done failed; they will be delivered again, which sends nothing twice'),
  });
  const flushDone = () => done.flush();

  return {
    /** Stores a new entry; a second store of the same event (a sweep racing the change) is a no-op. */
    async insert(entry: StoredEntry, owner: string | null, leaseUntil: Date): Promise<void> {
      try {
        await OutboxEntry.collection.insertOne({ ...entry, state: 'pending', owner, leaseUntil, givenUp: [], lastError: null, createdAt: new Date(), updatedAt: new Date() });
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
    },

    /** Marks an entry delivered (or given up on some lanes); written with the next batch. */
    markDone(id: Types.ObjectId, givenUp: string[] = [], lastError: string | null = null): void {
      done.add(id.toHexString(), { id, givenUp, lastError });
    },

    flushDone,

    /** Keeps this instance's entries its own for a while longer. */
    async renew(owner: string, leaseUntil: Date): Promise<void> {
      await OutboxEntry.updateMany({ state: 'pending', owner }, { $set: { leaseUntil } });
    },

    /** Hands this instance's entries back at a graceful stop: another instance takes them at once. */
    async release(owner: string, now: Date): Promise<void> {
      await OutboxEntry.updateMany({ state: 'pending', owner }, { $set: { owner: null, leaseUntil: now } });
    },

    /**
     * Takes over pending entries nobody holds (their instance stopped or died), oldest ticket
     * first, each ticket's in order. Another instance may take the same ones at the same moment
     * on a server without atomic updates; both then deliver, and the claims keep it to once.
     */
    async takeOver(owner: string, now: Date, leaseUntil: Date): Promise<StoredEntry[]> {
      const free = await OutboxEntry.find({ state: 'pending', leaseUntil: trusted({ $lte: now }) })
        .select({ ticketId: 1, seq: 1, assigneeId: 1, assigneeKnown: 1 })
        .limit(TAKEOVER_BATCH)
        .lean<StoredEntry[]>();
      if (free.length === 0) return [];
      await OutboxEntry.updateMany({ _id: trusted({ $in: free.map((entry) => entry._id) }), leaseUntil: trusted({ $lte: now }) }, { $set: { owner, leaseUntil } });
      return free.sort((a, b) => a.seq - b.seq);
    },

    /** Entries not delivered yet, in every instance. */
    async pending(): Promise<number> {
      await flushDone();
      return OutboxEntry.countDocuments({ state: 'pending' });
    },

    /** Of these events, those that have an entry. */
    async known(ids: Types.ObjectId[]): Promise<Set<string>> {
      const found = await OutboxEntry.find({ _id: trusted({ $in: ids }) }).select({ _id: 1 }).lean();
      return new Set(found.map((entry) => entry._id.toHexString()));
    },

    /** Forgets entries done before `date`: the journal keeps the history. */
    async pruneDone(date: Date): Promise<number> {
      const result = await OutboxEntry.deleteMany({ state: 'done', updatedAt: trusted({ $lt: date }) });
      return result.deletedCount;
    },
  };
}

export type OutboxStore = ReturnType<typeof createOutboxStore>;
