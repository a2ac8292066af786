import type { InlineKeyboard } from 'grammy';
import { priorities, type Ticket } from '../../../src/db/models/ticket.js';
import type { CallbackCodec } from './callback-data.js';
import { truncate } from './html.js';
import { inRows, keyboardOf, type Button } from './keyboard.js';
import { priorityIcon } from './labels.js';
import type { Translator } from './translator.js';

/** Card button actions (callback data codes). Short, because callback data has 64 bytes. */
export const cardAction = {
  take: 'tk',
  release: 'rl',
  reply: 'rp',
  note: 'nt',
  priorityMenu: 'pm',
  priority: 'pr',
  transferMenu: 'tm',
  transfer: 'tr',
  assignMenu: 'am',
  assign: 'as',
  wait: 'wt',
  resume: 'rs',
  resolve: 'rv',
  close: 'cl',
  reopen: 'ro',
  history: 'hi',
  back: 'bk',
} as const;

type ChatId = number | string;

/**
 * The card's buttons, by the ticket's state (a group shares one card, so they cannot depend
 * on who looks). Whatever is shown, the press is authorized for the person who pressed.
 */
export function cardKeyboard(tr: Translator, codec: CallbackCodec, chatId: ChatId, ticket: Ticket): InlineKeyboard {
  const b = (key: string, action: string): Button => ({ text: tr.t(`button.${key}`), data: codec.encode(chatId, action, ticket.number) });
  const open = ['new', 'in_progress', 'waiting'].includes(ticket.status);
  const first: Button[] = [];
  if (open) first.push(ticket.assigneeId ? b('release', cardAction.release) : b('take', cardAction.take));
  if (ticket.status !== 'closed') first.push(b('reply', cardAction.reply));
  first.push(b('note', cardAction.note));
  const second: Button[] = [];
  if (ticket.status !== 'closed') second.push(b('priority', cardAction.priorityMenu));
  second.push(b('transfer', cardAction.transferMenu), b('history', cardAction.history));
  const third: Button[] = [];
  if (ticket.status === 'waiting') third.push(b('resume', cardAction.resume));
  else if (open) third.push(b('wait', cardAction.wait));
  if (open) third.push(b('resolve', cardAction.resolve));
  if (ticket.status !== 'closed') third.push(b('close', cardAction.close));
  if (ticket.status === 'resolved' || ticket.status === 'closed') third.push(b('reopen', cardAction.reopen));
  return keyboardOf([first, second, third]);
}

export function priorityKeyboard(tr: Translator, codec: CallbackCodec, chatId: ChatId, ticket: Ticket): InlineKeyboard {
  const buttons = priorities.map((priority) => ({
    text: `${priority === ticket.priority ? '• ' : ''}${priorityIcon[priority]} ${tr.t(`priority.${priority}`)}`,
    data: codec.encode(chatId, cardAction.priority, ticket.number, priority),
  }));
  return keyboardOf([...inRows(buttons, 2), [{ text: tr.t('button.back'), data: codec.encode(chatId, cardAction.back, ticket.number) }]]);
}

export function transferKeyboard(
  tr: Translator,
  codec: CallbackCodec,
  chatId: ChatId,
  ticket: Ticket,
  departments: { key: string; name: string }[],
): InlineKeyboard {
  const buttons = departments
    .filter((department) => department.key !== ticket.department)
    .map((department) => ({
      text: `🏷 ${truncate(department.name, 30)}`,
      data: codec.encode(chatId, cardAction.transfer, ticket.number, department.key),
    }));
  return keyboardOf([
    ...inRows(buttons, 2),
    [{ text: tr.t('button.assign_person'), data: codec.encode(chatId, cardAction.assignMenu, ticket.number) }],
    [{ text: tr.t('button.back'), data: codec.encode(chatId, cardAction.back, ticket.number) }],
  ]);
}

export function assignKeyboard(
  tr: Translator,
  codec: CallbackCodec,
  chatId: ChatId,
  ticket: Ticket,
  people: { id: string; name: string }[],
): InlineKeyboard {
  const buttons = people.map((person) => ({
    text: `${ticket.assigneeId?.toString() === person.id ? '• ' : ''}👤 ${truncate(person.name, 30)}`,
    data: codec.encode(chatId, cardAction.assign, ticket.number, person.id),
  }));
  return keyboardOf([
    ...inRows(buttons, 2),
    [{ text: tr.t('button.back'), data: codec.encode(chatId, cardAction.transferMenu, ticket.number) }],
  ]);
}
