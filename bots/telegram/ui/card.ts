import type { TicketCard } from '../../../src/notify/channel.js';
import type { DepartmentNames } from './events.js';
import { describeEvent } from './events.js';
import { bodyAfterTitle } from './format.js';
import { html, joinHtml, truncate, type Html } from './html.js';
import { priorityIcon, statusIcon } from './labels.js';
import { formatTime, type Translator } from './translator.js';

const TITLE_MAX = 200;
const EXCERPT_MAX = 600;
const TEXT_EXCERPT_MAX = 300;
/** A directory fact on the card (job title, manager): long ones are cut. */
const FACT_MAX = 80;

export interface CardExtras {
  categoryName: string | null;
  departmentName: DepartmentNames;
  timeZone: string;
}

/**
 * The ticket card of a department group: everything an agent needs to decide without opening
 * anything. Bounded in size (title, excerpts), so it always fits one message.
 */
export function renderCard(tr: Translator, card: TicketCard, extras: CardExtras): Html {
  const { ticket, lastEvent } = card;
  const when = (date: Date | null | undefined) => formatTime(date, tr.locale, extras.timeZone);
  const requester = ticket.requester;
  const org = [requester.company, requester.unit].filter(Boolean).join(' / ');
  const description = bodyAfterTitle(ticket.description, ticket.title);
  const sla = ticket.sla;
  const responded = Boolean(ticket.metrics.firstResponseAt);
  const open = ['new', 'in_progress', 'waiting'].includes(ticket.status);
  const dueLines: (Html | null)[] = open
    ? [
        !responded && sla.firstResponseDue
          ? tr.html('card.response_due', { time: when(sla.firstResponseDue), late: sla.firstResponseBreached ? ' ⚠️' : '' })
          : null,
        sla.resolutionDue
          ? tr.html('card.resolution_due', { time: when(sla.resolutionDue), late: sla.resolutionBreached ? ' ⚠️' : '' })
          : null,
      ]
    : [];
  // A missed target stays visible at the top while the ticket is open, whichever line shows it.
  const overdue = open && (sla.firstResponseBreached || sla.resolutionBreached);
  const lastText = lastEvent.text && !['opened', 'rated'].includes(lastEvent.type) ? truncate(lastEvent.text, TEXT_EXCERPT_MAX) : null;

  return joinHtml([
    html`${priorityIcon[ticket.priority]} <b>#${ticket.number}</b> · ${tr.t(`priority.${ticket.priority}`)} · ${statusIcon[ticket.status]} ${tr.t(`status.${ticket.status}`)}${overdue ? html` · <b>${tr.t('card.overdue')}</b>` : ''}`,
    html`<b>${truncate(ticket.title, TITLE_MAX)}</b>`,
    joinHtml(
      [
        html`👤 ${requester.name}`,
        requester.title ? truncate(requester.title, FACT_MAX) : null,
        org,
        requester.phone ?? null,
        requester.manager ? tr.t('card.manager', { name: truncate(requester.manager, FACT_MAX) }) : null,
        tr.t('card.earlier_tickets', { count: card.requesterTicketCount }),
      ],
      ' · ',
    ),
    html`🏷 ${card.departmentName}${extras.categoryName ? ` › ${extras.categoryName}` : ''}`,
    description ? html`📝 ${truncate(description, EXCERPT_MAX)}` : null,
    ticket.attachments.length ? tr.html('card.attachments', { count: ticket.attachments.length }) : null,
    ...dueLines,
    ticket.assigneeName ? tr.html('card.assignee', { name: ticket.assigneeName }) : tr.html('card.unassigned'),
    ticket.rating ? tr.html('card.rating', { score: ticket.rating.score }) : null,
    html`🕓 ${describeEvent(tr, lastEvent, extras.departmentName)} · ${when(lastEvent.at)}`,
    lastText ? html`<blockquote>${lastEvent.internal ? '🔒 ' : ''}${lastText}</blockquote>` : null,
  ]);
}
