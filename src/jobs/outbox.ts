import type { Agenda } from 'agenda';
import { trusted, type Database } from '../db/connection.js';
import type { JournalEvent } from '../db/models/journal-event.js';
import type { Ticket } from '../db/models/ticket.js';
import { DELIVER_EVENT_JOB, deliverEventPayload, type DeliverEventPayload } from './deliver-event-job.js';
import { JOBS_COLLECTION } from './scheduler.js';
import { SLA_STEP_JOB } from './sla-steps-job.js';

const SWEEP_BATCH = 500;

/**
 * The notification outbox: every journal event becomes one durable delivery job. A change
 * returns only after its job is stored; sweeps store the jobs of events that have none (the
 * process died right after the change, or the database refused the job at that moment), so
 * no change goes unannounced.
 */
export function createOutbox(scheduler: Agenda, db: Database) {
  const jobs = db.connection.collection<{ name: string; data: DeliverEventPayload }>(JOBS_COLLECTION);
  const unfinished = { name: DELIVER_EVENT_JOB, $or: [{ nextRunAt: { $ne: null } }, { lockedAt: { $ne: null } }] };

  async function enqueueMissedBatch(batch: Pick<JournalEvent, '_id' | 'ticketId'>[]): Promise<number> {
    const ids = batch.map((event) => event._id.toHexString());
    const known = await jobs.find({ name: DELIVER_EVENT_JOB, 'data.eventId': { $in: ids } }, { projection: { data: 1 } }).toArray();
    const queued = new Set(known.map((job) => job.data.eventId));
    let enqueued = 0;
    for (const event of batch) {
      if (queued.has(event._id.toHexString())) continue;
      await scheduler.now(DELIVER_EVENT_JOB, deliverEventPayload({ eventId: event._id, ticketId: event.ticketId }));
      enqueued += 1;
    }
    return enqueued;
  }

  return {
    /** Agenda's index for finding the next job, and the outbox's for the sweep and the pruning. */
    async ensureIndexes(): Promise<void> {
      await jobs.createIndex({ name: 1, priority: -1, lockedAt: 1, nextRunAt: 1, disabled: 1 }, { name: 'findAndLockNextJobIndex' });
      await jobs.createIndex({ 'data.eventId': 1 }, { name: 'outbox_event' });
      // The SLA job of a ticket is found by its ticket when the ticket changes.
      await jobs.createIndex({ name: 1, 'data.ticketId': 1 }, { name: 'jobs_ticket' });
      await jobs.createIndex({ name: 1, lastFinishedAt: 1 }, { name: 'outbox_finished' });
    },

    /** Stores the delivery job of a journaled change. */
    async enqueue(event: JournalEvent, ticket: Ticket): Promise<void> {
      await scheduler.now(DELIVER_EVENT_JOB, deliverEventPayload({ eventId: event._id, ticketId: ticket._id, assigneeId: ticket.assigneeId }));
    },

    /** Stores the jobs of events journaled between `since` and `until` that have none; returns how many. */
    async enqueueMissed(since: Date, until?: Date): Promise<number> {
      let enqueued = 0;
      let batch: Pick<JournalEvent, '_id' | 'ticketId'>[] = [];
      const events = db.models.JournalEvent.find({ at: trusted(until ? { $gte: since, $lt: until } : { $gte: since }) })
        .select({ ticketId: 1 })
        .lean<Pick<JournalEvent, '_id' | 'ticketId'>[]>()
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

    /** Delivery jobs waiting, retrying or running, in every instance. */
    unfinished: (): Promise<number> => jobs.countDocuments(unfinished),

    /** Forgets delivery and SLA jobs finished before `date` with nothing left to run: the journal keeps the history. */
    async pruneFinished(date: Date): Promise<number> {
      const result = await jobs.deleteMany({ name: { $in: [DELIVER_EVENT_JOB, SLA_STEP_JOB] }, nextRunAt: null, lockedAt: null, lastFinishedAt: { $lt: date } });
      return result.deletedCount;
    },
  };
}

export type Outbox = ReturnType<typeof createOutbox>;
