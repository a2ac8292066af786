import type { Ticket } from '../../../src/db/models/ticket.js';
import { formatTime } from '../../../src/i18n/format-time.js';
import type { TicketCard } from '../../../src/notify/channel.js';
import { bodyAfterTitle } from '../../../src/tickets/body-after-title.js';
import { actions, button, context, section, type Block } from './blocks.js';
import { describeEvent, type DepartmentNames } from './events.js';
import { priorityIcon, statusIcon } from './labels.js';
import { bold, escapeMrkdwn, quote, truncate } from './mrkdwn.js';
import type { Translator } from './translator.js';

const TITLE_MAX = 200;
const EXCERPT_MAX = 600;
const TEXT_EXCERPT_MAX = 300;
/** A directory fact on the card (job title, manager): long ones are cut. */
const FACT_MAX = 80;

/** The card's action ids; the value of each button is the ticket number. */
export const cardAction = {
  take: 'card.take',
  release: 'card.release',
  reply: 'card.reply',
  note: 'card.note',
  priority: 'card.priority',
  transfer: 'card.transfer',
  wait: 'card.wait',
  resume: 'card.resume',
  resolve: 'card.resolve',
  close: 'card.close',
  reopen: 'card.reopen',
  history: 'card.history',
} as const;

export interface CardExtras {
  categoryName: string | null;
  departmentName: DepartmentNames;
  timeZone: string;
}

export interface RenderedCard {
  /** The notification text (and what clients without blocks show). */
  text: string;
  blocks: Block[];
}

/** The card's buttons by the ticket's state; whatever is shown, a press is authorized for who pressed. */
export function cardButtons(tr: Translator, ticket: Ticket): Block[] {
  const value = String(ticket.number);
  const b = (key: string, action: string, style?: 'primary' | 'danger') => button(tr.t(`button.${key}`), action, value, style);
  const open = ['new', 'in_progress', 'waiting'].includes(ticket.status);
  const list: Block[] = [];
  if (open) list.push(ticket.assigneeId ? b('release', cardAction.release) : b('take', cardAction.take, 'primary'));
  if (ticket.status !== 'closed') list.push(b('reply', cardAction.reply));
  list.push(b('note', cardAction.note));
  if (ticket.status !== 'closed') list.push(b('priority', cardAction.priority));
  list.push(b('transfer', cardAction.transfer));
  if (ticket.status === 'waiting') list.push(b('resume', cardAction.resume));
  else if (open) list.push(b('wait', cardAction.wait));
  if (open) list.push(b('resolve', cardAction.resolve));
  if (ticket.status !== 'closed') list.push(b('close', cardAction.close));
  if (ticket.status === 'resolved' || ticket.status === 'closed') list.push(b('reopen', cardAction.reopen));
  list.push(b('history', cardAction.history));
  return list;
}

/**
 * A department channel's ticket card in Block Kit: everything an agent needs to decide
 * without opening anything, bounded in size, with the thread rule spelled out under it.
 */
export function renderCardBlocks(tr: Translator, card: TicketCard, extras: CardExtras): RenderedCard {
  const { ticket, lastEvent } = card;
  const when = (date: Date | null | undefined) => formatTime(date, tr.locale, extras.timeZone);
  const requester = ticket.requester;
  const description = bodyAfterTitle(ticket.description, ticket.title);
  const open = ['new', 'in_progress', 'waiting'].includes(ticket.status);
  const { sla } = ticket;
  const due: string[] = [];
  if (open && !ticket.metrics.firstResponseAt && sla.firstResponseDue) {
    due.push(tr.t('card.response_due', { time: when(sla.firstResponseDue), late: sla.firstResponseBreached ? ' ⚠️' : '' }));
  }
  if (open && sla.resolutionDue) due.push(tr.t('card.resolution_due', { time: when(sla.resolutionDue), late: sla.resolutionBreached ? ' ⚠️' : '' }));

  const title = truncate(ticket.title, TITLE_MAX);
  const headline = `${priorityIcon[ticket.priority]} *#${ticket.number}* · ${tr.t(`priority.${ticket.priority}`)} · ${statusIcon[ticket.status]} ${tr.t(`status.${ticket.status}`)}`;
  const who = [
    `:bust_in_silhouette: ${escapeMrkdwn(requester.name)}`,
    escapeMrkdwn(truncate(requester.title ?? '', FACT_MAX)),
    escapeMrkdwn([requester.company, requester.unit].filter(Boolean).join(' / ')),
    escapeMrkdwn(requester.phone ?? ''),
    requester.manager ? tr.t('card.manager', { name: escapeMrkdwn(truncate(requester.manager, FACT_MAX)) }) : '',
    tr.t('card.earlier_tickets', { count: card.requesterTicketCount }),
  ].filter(Boolean);
  const where = `:label: ${escapeMrkdwn(card.departmentName)}${extras.categoryName ? ` › ${escapeMrkdwn(extras.categoryName)}` : ''}`;
  const details = [
    who.join(' · '),
    where,
    ...(ticket.attachments.length ? [tr.t('card.attachments', { count: ticket.attachments.length })] : []),
    ...due,
    ticket.assigneeName ? tr.t('card.assignee', { name: escapeMrkdwn(ticket.assigneeName) }) : tr.t('card.unassigned'),
    ...(ticket.rating ? [tr.t('card.rating', { score: ticket.rating.score })] : []),
  ];
  const lastText = lastEvent.text && !['opened', 'rated'].includes(lastEvent.type) ? `\n${lastEvent.internal ? ':lock: ' : ''}${quote(lastEvent.text, TEXT_EXCERPT_MAX)}` : '';

  const blocks: Block[] = [
    section(`${headline}\n${bold(title)}`),
    ...(description ? [section(quote(description, EXCERPT_MAX))] : []),
    section(details.join('\n')),
    context(`:clock4: ${describeEvent(tr, lastEvent, extras.departmentName)} · ${when(lastEvent.at)}${lastText}`),
  ];
  if (!card.readOnly) {
    blocks.push(actions(`card:${ticket.number}`, cardButtons(tr, ticket)));
    blocks.push(context(tr.t('slack.card.thread_rule')));
  }
  return { text: `#${ticket.number} ${escapeMrkdwn(title)} · ${tr.t(`status.${ticket.status}`)}`, blocks };
}
