import type { InlineKeyboard } from 'grammy';
import type { Models } from '../../src/db/models/index.js';
import { departmentNames as namesOf } from '../../src/notify/department-names.js';
import { ticketCardOf } from '../../src/notify/ticket-card.js';
import type { Ticket } from '../../src/db/models/ticket.js';
import type { I18n } from '../../src/i18n/translate.js';
import type { TicketCard } from '../../src/notify/channel.js';
import type { CallbackCodec } from './ui/callback-data.js';
import { renderCard } from './ui/card.js';
import { cardKeyboard } from './ui/card-keyboard.js';
import type { Html } from './ui/html.js';
import { translator, type Translator } from './ui/translator.js';

export interface CardMessage {
  text: Html;
  /** None on a read-only card: an edit without buttons removes them. */
  keyboard?: InlineKeyboard;
}

/**
 * Renders ticket cards (text and buttons) for one chat. The outbox hands in a TicketCard;
 * commands such as /ticket build the same card from the ticket, so both look alike.
 */
export function createCardRenderer(deps: { models: Models; i18n: I18n; codec: CallbackCodec; orgLocale: string; timeZone: string }) {
  const { models, i18n, codec } = deps;

  const departmentNames = (locale: string) => namesOf(models, locale);

  return {
    async render(card: TicketCard, chatId: number | string): Promise<CardMessage> {
      const tr: Translator = translator(i18n, card.locale);
      const names = await departmentNames(tr.locale);
      const { ticket } = card;
      const text = renderCard(tr, card, {
        categoryName: ticket.category ? (names.get(ticket.department)?.categories.get(ticket.category) ?? ticket.category) : null,
        departmentName: (key) => names.get(key)?.name ?? key,
        timeZone: deps.timeZone,
      });
      return card.readOnly ? { text } : { text, keyboard: cardKeyboard(tr, codec, chatId, ticket) };
    },

    /** The card of a ticket as it is now, for chats that ask for it (/ticket, /next, /mine). */
    cardOf: (ticket: Ticket): Promise<TicketCard> => ticketCardOf(models, ticket, deps.orgLocale),

    departmentNames,
  };
}

export type CardRenderer = ReturnType<typeof createCardRenderer>;
