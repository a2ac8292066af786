import type { Types } from 'mongoose';
import { trusted } from '../../db/connection.js';
import { insertTogether } from '../../db/insert-batcher.js';
import type { Models } from '../../db/models/index.js';
import type { OutboxEntry } from '../../db/models/outbox-entry.js';
import { writeBehind } from '../../db/write-behind.js';
import type { Logger } from '../../logger.js';

/** What the outbox holds of an entry in memory. */
export type StoredEntry = Pick<OutboxEntry, '_id' | 'ticketId' | 'seq' | 'assigneeId' | 'assigneeKnown'>;

const REMOVE_AFTER_MS = 100;
const TAKEOVER_BATCH = 500;

/**
 * The outbox's collections: `outbox` holds what is under way, `outbox_done` what was
 * delivered. An entry is stored before the change that made it returns; once delivered, its
 * done record is inserted and the entry removed a moment later, with the others of that
 * moment. So the collection every instance polls stays as small as the work in flight (on
 * FerretDB 1.24 every query reads its whole collection in PostgreSQL), and writes are inserts,
 * which go out together (insert-batcher.ts). A crash before the removal only delivers the
 * entry again, which sends nothing twice (every message is claimed once).
 */
export function createOutboxStore(models: Models, logger: Logger) {
  const { OutboxEntry, OutboxDone } = models;
  const delivered = writeBehind<Types.ObjectId>({
    delayMs: REMOVE_AFTER_MS,
    write: async (ids) => {
      await OutboxEntry.deleteMany({ _id: trusted({ $in: ids }) });
    },
    onError: (error) => logger.warn({ err: error }, 'outbox: removing delivered entries failed; they will be delivered again, which sends nothing twice'),
  });

  return {
    /** Stores a new entry; a second store of the same event (a sweep racing the change) is a no-op. */
    async insert(entry: StoredEntry, owner: string | null, leaseUntil: Date): Promise<void> {
      await insertTogether(OutboxEntry.collection, { ...entry, owner, leaseUntil, createdAt: new Date() });
    },

    /** Records an entry delivered (or given up on some lanes) and removes it shortly after. */
    async markDone(entry: Pick<StoredEntry, '_id' | 'ticketId'>, givenUp: string[] = [], lastError: string | null = null): Promise<void> {
      await insertTogether(OutboxDone.collection, { _id: entry._id, ticketId: entry.ticketId, givenUp, lastError, doneAt: new Date() });
      delivered.add(entry._id.toHexString(), entry._id);
    },

    /** Removes what waits to be removed (at shutdown, before counting). */
    flushDone: () => delivered.flush(),

    /** Keeps this instance's entries its own for a while longer. */
    async renew(owner: string, leaseUntil: Date): Promise<void> {
      await OutboxEntry.updateMany({ owner }, { $set: { leaseUntil } });
    },

    /** Hands this instance's entries back at a graceful stop: another instance takes them at once. */
    async release(owner: string, now: Date): Promise<void> {
      await OutboxEntry.updateMany({ owner }, { $set: { owner: null, leaseUntil: now } });
    },

    /**
     * Takes over entries nobody holds (their instance stopped or died), each ticket's in order.
     * Another instance may take the same ones at the same moment on a server without atomic
     * updates; both then deliver, and the claims keep every message to once.
     */
    async takeOver(owner: string, now: Date, leaseUntil: Date): Promise<StoredEntry[]> {
      const free = await OutboxEntry.find({ leaseUntil: trusted({ $lte: now }) })
        .select({ ticketId: 1, seq: 1, assigneeId: 1, assigneeKnown: 1 })
        .limit(TAKEOVER_BATCH)
        .lean<StoredEntry[]>();
      if (free.length === 0) return [];
      await OutboxEntry.updateMany({ _id: trusted({ $in: free.map((entry) => entry._id) }), leaseUntil: trusted({ $lte: now }) }, { $set: { owner, leaseUntil } });
      return free.sort((a, b) => a.seq - b.seq);
    },

    /** Entries not delivered yet, in every instance. */
    async pending(): Promise<number> {
      await delivered.flush();
      return OutboxEntry.countDocuments({});
    },

    /** Of these events, those that have an entry, waiting or delivered. */
    async known(ids: Types.ObjectId[]): Promise<Set<string>> {
      const [waiting, done] = await Promise.all([
        OutboxEntry.find({ _id: trusted({ $in: ids }) }).select({ _id: 1 }).lean(),
        OutboxDone.find({ _id: trusted({ $in: ids }) }).select({ _id: 1 }).lean(),
      ]);
      return new Set([...waiting, ...done].map((entry) => entry._id.toHexString()));
    },

    /** Forgets deliveries done before `date`: the journal keeps the history. */
    async pruneDone(date: Date): Promise<number> {
      const result = await OutboxDone.deleteMany({ doneAt: trusted({ $lt: date }) });
      return result.deletedCount;
    },
  };
}

export type OutboxStore = ReturnType<typeof createOutboxStore>;
