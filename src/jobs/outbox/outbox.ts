import { hostname } from 'node:os';
import { trusted, type Database } from '../../db/connection.js';
import type { JournalEvent } from '../../db/models/journal-event.js';
import type { Ticket } from '../../db/models/ticket.js';
import type { Logger } from '../../logger.js';
import type { EventDelivery } from '../../notify/deliver-event.js';
import { createDispatcher, defaultDeliveryRetry, type DeliveryRetryPolicy } from './dispatcher.js';
import { adoptLegacyDeliveries, legacyDelivered } from './legacy-jobs.js';
import { createOutboxStore, type StoredEntry } from './outbox-store.js';

export interface OutboxOptions {
  db: Database;
  delivery: EventDelivery;
  logger: Logger;
  retry?: Partial<DeliveryRetryPolicy>;
  /** How long this instance holds its entries without renewing (30 s): after a crash, another takes them over then. */
  leaseMs?: number;
  /** How often it looks for entries nobody holds (another instance stopped or died). */
  pollMs?: number;
}

const SWEEP_BATCH = 500;
const STOP_GRACE_MS = 15_000;

/**
 * The notification outbox: every journal event becomes one entry of its own collection,
 * stored before the change returns, and is delivered at once by this process from memory (see
 * the dispatcher). Entries of an instance that stopped or died are taken over by the others
 * when its lease runs out; sweeps store the entries of events that have none (the process
 * died right after the change, or the database refused the entry at that moment), so no
 * change goes unannounced.
 */
export function createOutbox(options: OutboxOptions) {
  const { db, delivery, logger } = options;
  const owner = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  const leaseMs = options.leaseMs ?? 30_000;
  const pollMs = options.pollMs ?? 2000;
  const store = createOutboxStore(db.models, logger);
  /** Done records on their way to the database: settling and stopping wait for them. */
  const recording = new Set<Promise<void>>();
  const dispatcher = createDispatcher({
    delivery,
    breakers: delivery.breakers,
    logger,
    policy: { ...defaultDeliveryRetry, ...options.retry },
    finished: (entry, givenUp, lastError) => {
      const done = store
        .markDone(entry, givenUp, lastError)
        .catch((error: unknown) => logger.warn({ err: error }, 'outbox: a delivered entry was not recorded as such; it will be delivered again, which sends nothing twice'))
        .finally(() => recording.delete(done));
      recording.add(done);
    },
  });
  const recorded = async () => {
    await Promise.all([...recording]);
    await store.flushDone();
  };
  let running = false;
  let timers: NodeJS.Timeout[] = [];

  // Leases are about the liveness of processes, so they run on the real clock, not the business one.
  async function takeOver(): Promise<void> {
    const now = new Date();
    for (const entry of await store.takeOver(owner, now, new Date(now.getTime() + leaseMs))) {
      if (!dispatcher.holds(entry._id, entry.ticketId)) dispatcher.add(entry);
    }
  }

  async function enqueueMissedBatch(batch: Pick<JournalEvent, '_id' | 'ticketId' | 'seq'>[]): Promise<number> {
    const [known, legacy] = await Promise.all([store.known(batch.map((event) => event._id)), legacyDelivered(db, batch.map((event) => event._id.toHexString()))]);
    let enqueued = 0;
    for (const event of batch) {
      const id = event._id.toHexString();
      if (known.has(id) || legacy.has(id)) continue;
      await store.insert({ _id: event._id, ticketId: event.ticketId, seq: event.seq, assigneeId: null, assigneeKnown: false }, null, new Date());
      enqueued += 1;
    }
    return enqueued;
  }

  function every(ms: number, work: () => Promise<void>, what: string): void {
    const timer = setInterval(() => {
      work().catch((error: unknown) => logger.warn({ err: error }, `outbox: ${what} failed; trying again later`));
    }, ms);
    timer.unref();
    timers.push(timer);
  }

  return {
    /** Stores the delivery of a journaled change, then starts it here. */
    async enqueue(event: JournalEvent, ticket: Ticket): Promise<void> {
      const stored: StoredEntry = { _id: event._id, ticketId: ticket._id, seq: event.seq, assigneeId: ticket.assigneeId, assigneeKnown: true };
      const now = new Date();
      // Not running (yet): stored for whichever instance runs deliveries.
      await store.insert(stored, running ? owner : null, running ? new Date(now.getTime() + leaseMs) : now);
      if (running) dispatcher.add(stored, { event, ticket });
    },

    /** Stores the entries of events journaled between `since` and `until` that have none; returns how many. */
    async enqueueMissed(since: Date, until?: Date): Promise<number> {
      let enqueued = 0;
      let batch: Pick<JournalEvent, '_id' | 'ticketId' | 'seq'>[] = [];
      const events = db.models.JournalEvent.find({ at: trusted(until ? { $gte: since, $lt: until } : { $gte: since }) })
        .select({ ticketId: 1, seq: 1 })
        .lean<Pick<JournalEvent, '_id' | 'ticketId' | 'seq'>[]>()
        .cursor();
      for await (const event of events) {
        batch.push(event);
        if (batch.length < SWEEP_BATCH) continue;
        enqueued += await enqueueMissedBatch(batch);
        batch = [];
      }
      if (batch.length) enqueued += await enqueueMissedBatch(batch);
      return enqueued;
    },

    /** Takes over what waits (an earlier run's, a stopped instance's), then delivers as changes come. */
    async start(): Promise<void> {
      const adopted = await adoptLegacyDeliveries(db, store);
      if (adopted > 0) logger.info({ adopted }, 'outbox: delivery jobs of an earlier version taken over');
      running = true;
      await takeOver();
      every(pollMs, takeOver, 'taking over deliveries');
      every(Math.max(500, Math.floor(leaseMs / 3)), () => store.renew(owner, new Date(Date.now() + leaseMs)), 'renewing the lease');
    },

    /** Lets running sends finish (up to 15 s); what waits is handed back, for another instance or the next start. */
    async stop(): Promise<void> {
      running = false;
      for (const timer of timers) clearInterval(timer);
      timers = [];
      const left = await dispatcher.stop(STOP_GRACE_MS);
      if (left > 0) logger.warn({ running: left }, 'deliveries still running at shutdown: another instance or the next start sends what they still owe');
      await recorded();
      await delivery.flush();
      await store.release(owner, new Date());
    },

    /** Resolves when no delivery is waiting or running, in any instance (tests, benchmarks). */
    async settle(timeoutMs = 15_000): Promise<void> {
      const until = Date.now() + timeoutMs;
      while (dispatcher.size > 0 || recording.size > 0 || (await store.pending()) > 0) {
        if (Date.now() > until) throw new Error('deliveries did not settle in time');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await delivery.flush();
    },

    /** Deliveries waiting or running, in every instance. */
    unfinished: (): Promise<number> => store.pending(),

    /** Forgets entries delivered before `date`: the journal keeps the history. */
    pruneFinished: (date: Date): Promise<number> => store.pruneDone(date),
  };
}

export type Outbox = ReturnType<typeof createOutbox>;
