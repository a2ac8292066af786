import type { Models } from '../../src/db/models/index.js';
import { departmentNames as namesOf } from '../../src/notify/department-names.js';
import { ticketCardOf } from '../../src/notify/ticket-card.js';
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
    cardOf: (ticket: Ticket): Promise<TicketCard> => ticketCardOf(models, ticket, deps.orgLocale),
  };
}

export type CardRenderer = ReturnType<typeof createCardRenderer>;
