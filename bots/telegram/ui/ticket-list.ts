import type { Ticket } from '../../../src/db/models/ticket.js';
import type { CallbackCodec } from './callback-data.js';
import { truncate } from './html.js';
import type { Button } from './keyboard.js';
import { statusIcon } from './labels.js';
import type { Translator } from './translator.js';

/** One button per ticket: status icon, number and title, as much as a button shows. */
export function ticketButtons(codec: CallbackCodec, chatId: number | string, tickets: Ticket[], action: string): Button[][] {
  return tickets.map((ticket) => [
    { text: truncate(`${statusIcon[ticket.status]} #${ticket.number} ${ticket.title}`, 60), data: codec.encode(chatId, action, ticket.number) },
  ]);
}

/** ◀ page/pages ▶ ; the middle button only shows where the user is. */
export function pagerRow(tr: Translator, codec: CallbackCodec, chatId: number | string, action: string, page: number, pages: number): Button[] {
  if (pages <= 1) return [];
  const row: Button[] = [];
  if (page > 1) row.push({ text: `◀ ${tr.t('tg.list.previous')}`, data: codec.encode(chatId, action, page - 1) });
  row.push({ text: `${page}/${pages}`, data: codec.encode(chatId, action, page) });
  if (page < pages) row.push({ text: `${tr.t('tg.list.next')} ▶`, data: codec.encode(chatId, action, page + 1) });
  return row;
}
