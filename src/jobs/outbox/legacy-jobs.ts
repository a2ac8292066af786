import { Types } from 'mongoose';
import { trusted } from '../../db/connection.js';
import type { Database } from '../../db/connection.js';
import type { JournalEvent } from '../../db/models/journal-event.js';
import { JOBS_COLLECTION } from '../scheduler.js';
import type { OutboxStore } from './outbox-store.js';

/** The Agenda job that delivered events before the outbox had a collection of its own. */
export const LEGACY_DELIVERY_JOB = 'deliver-event';

interface LegacyJob {
  _id: Types.ObjectId;
  data: { eventId: string; ticketId: string; assigneeId?: string | null };
}

/**
 * Delivery jobs stored by an earlier version in Agenda's collection and not run yet become
 * outbox entries (once: the jobs are then disabled), so an upgrade loses no notice.
 */
export async function adoptLegacyDeliveries(db: Database, store: OutboxStore): Promise<number> {
  const jobs = db.connection.collection<LegacyJob>(JOBS_COLLECTION);
  const waiting = await jobs.find({ name: LEGACY_DELIVERY_JOB, disabled: { $ne: true }, $or: [{ nextRunAt: { $ne: null } }, { lockedAt: { $ne: null } }] }).toArray();
  for (const job of waiting) {
    const event = await db.models.JournalEvent.findById(job.data.eventId).select({ ticketId: 1, seq: 1 }).lean<Pick<JournalEvent, '_id' | 'ticketId' | 'seq'>>();
    if (event) {
      const assignee = job.data.assigneeId;
      await store.insert(
        { _id: event._id, ticketId: event.ticketId, seq: event.seq, assigneeId: assignee ? new Types.ObjectId(assignee) : null, assigneeKnown: assignee !== undefined },
        null,
        new Date(),
      );
    }
    await jobs.updateOne({ _id: job._id }, { $set: { disabled: true, nextRunAt: null, lockedAt: null } });
  }
  return waiting.length;
}

/** Of these events, those an earlier version delivered (or queued) through Agenda. */
export async function legacyDelivered(db: Database, eventIds: string[]): Promise<Set<string>> {
  const jobs = db.connection.collection<LegacyJob>(JOBS_COLLECTION);
  const found = await jobs.find({ name: LEGACY_DELIVERY_JOB, 'data.eventId': trusted({ $in: eventIds }) }, { projection: { data: 1 } }).toArray();
  return new Set(found.map((job) => job.data.eventId));
}
