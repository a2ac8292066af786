import { trusted } from '../db/connection.js';
import { departmentByKey } from '../db/department-cache.js';
import type { Models } from '../db/models/index.js';
import type { JournalEvent } from '../db/models/journal-event.js';
import { pickLocalized } from '../db/models/localized.js';
import type { Ticket } from '../db/models/ticket.js';
import type { TicketCard } from './channel.js';

/** Tickets the requester opened before this one: stored at opening; counted for tickets opened before that was stored. */
export async function earlierTicketsOf(models: Models, ticket: Ticket): Promise<number> {
  if (typeof ticket.requester.earlierTickets === 'number') return ticket.requester.earlierTickets;
  return models.Ticket.countDocuments({ requesterId: ticket.requesterId, number: trusted({ $lt: ticket.number }) });
}

/** What a chat needs to render the card of `ticket`, whose latest change is `lastEvent`. */
export async function buildTicketCard(models: Models, ticket: Ticket, lastEvent: JournalEvent, locale: string): Promise<TicketCard> {
  const [earlier, department] = await Promise.all([earlierTicketsOf(models, ticket), departmentByKey(models, ticket.department)]);
  return { ticket, lastEvent, requesterTicketCount: earlier, departmentName: pickLocalized(department?.name, locale) || ticket.department, locale };
}

/** The card of a ticket as it is now, for a card a person asks for by command (not the outbox's). */
export async function ticketCardOf(models: Models, ticket: Ticket, locale: string): Promise<TicketCard> {
  const lastEvent = await models.JournalEvent.findOne({ ticketId: ticket._id }).sort({ seq: -1 }).lean<JournalEvent>();
  if (!lastEvent) throw new Error(`ticket #${ticket.number} has no journal`);
  return buildTicketCard(models, ticket, lastEvent, locale);
}
