import type { Types } from 'mongoose';
import { trusted } from '../db/connection.js';
import type { Models } from '../db/models/index.js';
import type { JournalEvent } from '../db/models/journal-event.js';

function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}

/**
 * Appends one event. Unique on (ticketId, seq), so appending the same change twice
 * (a retry, or the repair after a crash) stores it once.
 */
export async function appendJournalEvent(models: Models, event: JournalEvent): Promise<void> {
  try {
    await models.JournalEvent.collection.insertOne(event);
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
  }
}

/** The journal of one ticket, oldest first; internal notes only when `includeInternal`. */
export async function readJournal(
  models: Models,
  ticketId: Types.ObjectId,
  includeInternal: boolean,
): Promise<JournalEvent[]> {
  const filter = includeInternal ? { ticketId } : { ticketId, internal: false };
  return models.JournalEvent.find(filter).sort({ seq: 1 }).lean<JournalEvent[]>();
}

/**
 * Re-inserts the last event of recently changed tickets whose journal insert was lost
 * (the process died between the two writes). Safe to run at every start.
 */
export async function repairJournal(models: Models, since: Date): Promise<number> {
  let repaired = 0;
  const cursor = models.Ticket.find({ updatedAt: trusted({ $gte: since }) })
    .select({ _id: 1, version: 1, lastEvent: 1 })
    .lean()
    .cursor();
  for await (const ticket of cursor) {
    if (!ticket.lastEvent) continue;
    const exists = await models.JournalEvent.exists({ ticketId: ticket._id, seq: ticket.version });
    if (exists) continue;
    await appendJournalEvent(models, ticket.lastEvent as unknown as JournalEvent);
    repaired += 1;
  }
  return repaired;
}
