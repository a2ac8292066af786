import { Types } from 'mongoose';
import { HelpdeskError } from '../errors.js';
import type { JournalEvent, JournalEventType } from '../db/models/journal-event.js';
import type { Attachment, Ticket } from '../db/models/ticket.js';
import type { Actor } from '../people/actor.js';
import { can, type TicketAction } from '../people/policy.js';
import { appendJournalEvent } from './journal.js';
import { loadTicket, notifyListeners } from './load-ticket.js';
import type { TicketDeps, Via } from './ticket-deps.js';

/** What a use case wants to change, computed from the ticket as it is now. */
export interface ChangePlan {
  type: JournalEventType;
  /** Fields to set, dotted paths allowed (`metrics.resolvedAt`). */
  set: Record<string, unknown>;
  before: Record<string, unknown>;
  after: Record<string, unknown>;
  text?: string | null;
  internal?: boolean;
  attachments?: Attachment[];
}

export interface ChangeRequest {
  actor: Actor;
  number: number;
  action: TicketAction;
  via: Via;
  /** Builds the change from the current ticket; throws a HelpdeskError when it is not allowed. */
  plan: (ticket: Ticket, now: Date) => ChangePlan;
}

export interface ChangeResult {
  ticket: Ticket;
  event: JournalEvent;
}

const MAX_ATTEMPTS = 8;

/**
 * The one way a ticket changes: check visibility and the policy, plan the change, write it
 * with a conditional update on the version (optimistic locking, so of two concurrent takes
 * exactly one wins), then append one journal event. On a lost race the plan is made again
 * from the fresh ticket, where it usually fails with a precise reason (already taken by X).
 */
export async function changeTicket(deps: TicketDeps, request: ChangeRequest): Promise<ChangeResult> {
  const { models, clock } = deps;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    const ticket = await loadTicket(deps, request.actor, request.number);
    if (!can(request.actor, request.action, ticket)) {
      throw new HelpdeskError('FORBIDDEN', `not allowed to ${request.action} ticket #${ticket.number}`, {
        number: ticket.number,
        action: request.action,
      });
    }
    const now = clock();
    const plan = request.plan(ticket, now);
    const version = ticket.version + 1;
    const event: JournalEvent = {
      _id: new Types.ObjectId(),
      ticketId: ticket._id,
      ticketNumber: ticket.number,
      seq: version,
      type: plan.type,
      actorId: request.actor.id,
      actorName: request.actor.name,
      at: now,
      before: plan.before,
      after: plan.after,
      text: plan.text ?? null,
      internal: plan.internal ?? false,
      attachments: plan.attachments ?? [],
      via: request.via,
    };
    const updated = await models.Ticket.findOneAndUpdate(
      { _id: ticket._id, version: ticket.version },
      { $set: { ...plan.set, version, updatedAt: now, lastEvent: event } },
      { returnDocument: 'after', lean: true },
    );
    if (!updated) continue;
    await appendJournalEvent(models, event);
    await notifyListeners(deps, event, updated as Ticket);
    return { ticket: updated as Ticket, event };
  }
  throw new HelpdeskError('VERSION_CONFLICT', `ticket #${request.number} is changing too fast, try again`, {
    number: request.number,
  });
}
