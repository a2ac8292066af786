import { insertTogether } from '../db/insert-batcher.js';
import type { Types } from 'mongoose';
import { trusted } from '../db/connection.js';
import type { Models } from '../db/models/index.js';
import type { JournalEvent } from '../db/models/journal-event.js';
import type { Ticket } from '../db/models/ticket.js';


/**
 * Claims the event's sequence number for its ticket by inserting it. The unique index on
 * (ticketId, seq) makes this the one atomic step of a change on every supported server
 * (FerretDB's conditional updates are not atomic): of two writers of the same version,
 * exactly one gets `true`.
 */
export function claimJournalEvent(models: Models, event: JournalEvent): Promise<boolean> {
  return insertTogether(models.JournalEvent.collection, event);
}

/**
 * Applies a journaled change to the ticket document if it is still at the version before it;
 * false when it is not (already applied by another writer, or an earlier change is missing).
 */
export async function applyJournalEvent(models: Models, event: JournalEvent): Promise<boolean> {
  const set: Record<string, unknown> = { version: event.seq, updatedAt: event.at };
  for (const { path, value } of event.change.set) set[path] = value;
  const update: Record<string, unknown> = { $set: set };
  const addToSet: Record<string, unknown> = {};
  if (event.change.addPublicKeywords.length) addToSet.publicKeywords = { $each: event.change.addPublicKeywords };
  if (event.change.addStaffKeywords.length) addToSet.staffKeywords = { $each: event.change.addStaffKeywords };
  if (Object.keys(addToSet).length) update.$addToSet = addToSet;
  const result = await models.Ticket.collection.updateOne({ _id: event.ticketId, version: event.seq - 1 }, update);
  return result.matchedCount === 1;
}

/**
 * The ticket document as `applyJournalEvent` leaves it, computed from the document before the
 * change, so a change need not read its ticket back. Only valid when the update matched (the
 * document was at the version before the event).
 */
export function ticketAfter(ticket: Ticket, event: JournalEvent): Ticket {
  const next: Record<string, unknown> = { ...ticket, version: event.seq, updatedAt: event.at };
  for (const { path, value } of event.change.set) {
    const parts = path.split('.');
    let target = next;
    for (const part of parts.slice(0, -1)) {
      const copy = { ...(target[part] as Record<string, unknown> | undefined) };
      target[part] = copy;
      target = copy;
    }
    target[parts.at(-1)!] = value;
  }
  const addAll = (current: string[], words: string[]) => [...current, ...words.filter((word, i) => !current.includes(word) && words.indexOf(word) === i)];
  if (event.change.addPublicKeywords.length) next.publicKeywords = addAll(ticket.publicKeywords, event.change.addPublicKeywords);
  if (event.change.addStaffKeywords.length) next.staffKeywords = addAll(ticket.staffKeywords, event.change.addStaffKeywords);
  return next as unknown as Ticket;
}

/**
 * Brings a ticket document up to its journal: applies, in order, every event newer than the
 * document (left behind by a crash between the two writes, or by a writer that lost a race).
 */
export async function rollForward(models: Models, ticketId: Types.ObjectId, version: number): Promise<number> {
  const pending = await models.JournalEvent.find({ ticketId, seq: trusted({ $gt: version }) })
    .sort({ seq: 1 })
    .lean<JournalEvent[]>();
  for (const event of pending) await applyJournalEvent(models, event);
  return pending.length;
}

/** The journal of one ticket, oldest first; internal notes only when `includeInternal`. */
export async function readJournal(
  models: Models,
  ticketId: Types.ObjectId,
  includeInternal: boolean,
): Promise<JournalEvent[]> {
  const filter = includeInternal ? { ticketId } : { ticketId, internal: false };
  return models.JournalEvent.find(filter).select({ change: 0 }).sort({ seq: 1 }).lean<JournalEvent[]>();
}

/**
 * Run at start: rolls forward tickets whose latest journaled changes (since `since`) did not
 * reach the ticket document, and re-creates an `opened` event lost right after a ticket's insert.
 */
export async function repairJournal(models: Models, since: Date): Promise<number> {
  let repaired = 0;
  const latest = new Map<string, { ticketId: Types.ObjectId; seq: number }>();
  const events = models.JournalEvent.find({ at: trusted({ $gte: since }) })
    .select({ ticketId: 1, seq: 1 })
    .lean()
    .cursor();
  for await (const event of events) {
    const key = event.ticketId.toString();
    if ((latest.get(key)?.seq ?? 0) < event.seq) latest.set(key, { ticketId: event.ticketId, seq: event.seq });
  }
  for (const { ticketId, seq } of latest.values()) {
    const ticket = await models.Ticket.findById(ticketId).select({ version: 1 }).lean<Pick<Ticket, 'version'>>();
    if (ticket && ticket.version < seq) repaired += await rollForward(models, ticketId, ticket.version);
  }
  const created = models.Ticket.find({ createdAt: trusted({ $gte: since }) }).lean<Ticket[]>().cursor();
  for await (const ticket of created) {
    if (await models.JournalEvent.exists({ ticketId: ticket._id, seq: 1 })) continue;
    await claimJournalEvent(models, openedEvent(ticket));
    repaired += 1;
  }
  return repaired;
}

/** The `opened` event of a ticket as it was inserted (version 1). */
export function openedEvent(ticket: Ticket): JournalEvent {
  return {
    _id: ticket._id,
    ticketId: ticket._id,
    ticketNumber: ticket.number,
    seq: 1,
    type: 'opened',
    actorId: ticket.requesterId,
    actorName: ticket.requester.name,
    at: ticket.createdAt,
    before: {},
    after: { status: 'new', department: ticket.department, priority: ticket.priority, title: ticket.title },
    text: ticket.description,
    internal: false,
    attachments: ticket.attachments,
    via: ticket.source,
    change: { set: [], addPublicKeywords: [], addStaffKeywords: [] },
  };
}
