import type { JournalEvent } from '../db/models/journal-event.js';
import type { Ticket } from '../db/models/ticket.js';
import type { Actor } from '../people/actor.js';
import { can } from '../people/policy.js';
import { readJournal } from './journal.js';
import { loadTicket, visibleTo } from './load-ticket.js';
import type { TicketDeps } from './ticket-deps.js';

/** One ticket the actor may see (TICKET_NOT_FOUND otherwise). */
export function getTicket(deps: TicketDeps, actor: Actor, number: number): Promise<Ticket> {
  return loadTicket(deps, actor, number);
}

/**
 * For what only offers a form on a ticket (a Reply modal): the ticket as this process's last
 * change left it, when that was moments ago, else the stored one. Never for a change or for
 * what is shown as the ticket's state: the change made from the form decides again on the
 * stored ticket, so a guess one change old costs at most a form that is then refused.
 */
export async function getTicketForForm(deps: TicketDeps, actor: Actor, number: number): Promise<Ticket> {
  const remembered = deps.recent.get(number);
  return remembered ? visibleTo(actor, remembered, number) : loadTicket(deps, actor, number);
}

/** The ticket's history; internal notes only for staff who see the ticket as staff. */
export async function getJournal(deps: TicketDeps, actor: Actor, number: number): Promise<JournalEvent[]> {
  const ticket = await loadTicket(deps, actor, number);
  return readJournal(deps.models, ticket._id, can(actor, 'view_internal', ticket));
}
