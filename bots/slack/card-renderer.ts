import { trusted } from '../../src/db/connection.js';
import type { Models } from '../../src/db/models/index.js';
import { departmentNames as namesOf } from '../../src/notify/department-names.js';
import type { JournalEvent } from '../../src/db/models/journal-event.js';
import { pickLocalized } from '../../src/db/models/localized.js';
import type { Ticket } from '../../src/db/models/ticket.js';
import type { I18n } from '../../src/i18n/translate.js';
import type { TicketCard } from '../../src/notify/channel.js';
import { renderCardBlocks, type RenderedCard } from './ui/card-blocks.js';
import { translator } from './ui/translator.js';

/** Renders cards (blocks and buttons) from the core's TicketCard, or from a ticket as it is now. */
export function createCardRenderer(deps: { models: Models; i18n: I18n; orgLocale: string; timeZone: string }) {
  const { models } = deps;

  const departmentNames = (locale: string) => namesOf(models, locale);

  return {
    departmentNames,

    async render(card: TicketCard): Promise<RenderedCard> {
      const tr = translator(deps.i18n, card.locale);
      const names = await departmentNames(tr.locale);
      const { ticket } = card;
      return renderCardBlocks(tr, card, {
        categoryName: ticket.category ? (names.get(ticket.department)?.categories.get(ticket.category) ?? ticket.category) : null,
        departmentName: (key) => names.get(key)?.name ?? key,
        timeZone: deps.timeZone,
      });
    },

    /** The card of a ticket as it is now, for a card asked for by command. */
    async cardOf(ticket: Ticket): Promise<TicketCard> {
      const [lastEvent, earlier, department] = await Promise.all([
        models.JournalEvent.findOne({ ticketId: ticket._id }).sort({ seq: -1 }).lean<JournalEvent>(),
        models.Ticket.countDocuments({ requesterId: ticket.requesterId, number: trusted({ $lt: ticket.number }) }),
        models.Department.findOne({ key: ticket.department }).lean(),
      ]);
      if (!lastEvent) throw new Error(`ticket #${ticket.number} has no journal`);
      return { ticket, lastEvent, requesterTicketCount: earlier, departmentName: pickLocalized(department?.name, deps.orgLocale) || ticket.department, locale: deps.orgLocale };
    },
  };
}

export type CardRenderer = ReturnType<typeof createCardRenderer>;
