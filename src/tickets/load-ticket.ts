import { HelpdeskError } from '../errors.js';
import type { JournalEvent } from '../db/models/journal-event.js';
import type { Ticket } from '../db/models/ticket.js';
import type { Actor } from '../people/actor.js';
import { can } from '../people/policy.js';
import type { TicketDeps } from './ticket-deps.js';

/**
 * Loads a ticket the actor may see. A ticket the actor may not see is reported as not
 * found, so its existence does not leak.
 */
export async function loadTicket(deps: TicketDeps, actor: Actor, number: number): Promise<Ticket> {
  const ticket = Number.isSafeInteger(number)
    ? await deps.models.Ticket.findOne({ number }).lean<Ticket>()
    : null;
  return visibleTo(actor, ticket, number);
}

/** The ticket when the actor may see it; else (or when there is none) TICKET_NOT_FOUND. */
export function visibleTo(actor: Actor, ticket: Ticket | null | undefined, number: number): Ticket {
  if (!ticket || !can(actor, 'view', ticket)) {
    throw new HelpdeskError('TICKET_NOT_FOUND', `ticket #${number} not found`, { number });
  }
  return ticket;
}

/** Hands a journaled change to the subscribers; a failing subscriber never undoes the change. */
export async function notifyListeners(deps: TicketDeps, event: JournalEvent, ticket: Ticket): Promise<void> {
  for (const listener of deps.listeners) {
    try {
      await listener(event, ticket);
    } catch (error) {
      deps.logger.error({ err: error, ticket: ticket.number, event: event.type }, 'ticket event listener failed');
    }
  }
}
