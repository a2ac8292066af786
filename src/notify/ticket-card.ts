import { trusted } from '../db/connection.js';
import type { Models } from '../db/models/index.js';
import type { JournalEvent } from '../db/models/journal-event.js';
import { pickLocalized } from '../db/models/localized.js';
import type { Ticket } from '../db/models/ticket.js';
import type { TicketCard } from './channel.js';

/** The card of a ticket as it is now, for a card a person asks for by command (not the outbox's). */
export async function ticketCardOf(models: Models, ticket: Ticket, locale: string): Promise<TicketCard> {
  const [lastEvent, earlier, department] = await Promise.all([
    models.JournalEvent.findOne({ ticketId: ticket._id }).sort({ seq: -1 }).lean<JournalEvent>(),
    models.Ticket.countDocuments({ requesterId: ticket.requesterId, number: trusted({ $lt: ticket.number }) }),
    models.Department.findOne({ key: ticket.department }).lean(),
  ]);
  if (!lastEvent) throw new Error(`ticket #${ticket.number} has no journal`);
  return { ticket, lastEvent, requesterTicketCount: earlier, departmentName: pickLocalized(department?.name, locale) || ticket.department, locale };
}
