import type { JournalEvent } from '../../../src/db/models/journal-event.js';
import type { Ticket } from '../../../src/db/models/ticket.js';
import type { ChatNotice } from '../../../src/notify/channel.js';
import { slaTarget } from './events.js';
import { html, joinHtml, truncate, type Html } from './html.js';
import { priorityIcon } from './labels.js';
import { formatTime, type Translator } from './translator.js';

const TITLE_MAX = 100;
const DIGEST_TITLE_MAX = 80;
/** The digest lists at most this many overdue tickets (the core sends no more either). */
const DIGEST_OVERDUE_MAX = 10;

type Notice<K extends ChatNotice['kind']> = Extract<ChatNotice, { kind: K }>;

/** A time of an event's after map (a Date from the database, a string once serialized). */
function timeOf(value: unknown, tr: Translator, timeZone: string): string {
  return value instanceof Date || typeof value === 'string' ? formatTime(value, tr.locale, timeZone) : '';
}

/**
 * What the texts of an SLA alert fill in: the ticket, the target in words, when it was due
 * (and breached) in the org's time zone, and who has the ticket. Used by chat alerts and
 * personal notices alike.
 */
export function slaParams(tr: Translator, ticket: Ticket, event: JournalEvent, timeZone: string): Record<string, string | number> {
  const after = event.after ?? {};
  const stored = after.target === 'firstResponse' ? ticket.sla.firstResponseDue : ticket.sla.resolutionDue;
  return {
    number: ticket.number,
    title: truncate(ticket.title, TITLE_MAX),
    target: slaTarget(tr, after.target),
    due: timeOf(after.due, tr, timeZone) || timeOf(stored, tr, timeZone),
    assignee: ticket.assigneeName ?? tr.t('notice.unassigned'),
  };
}

/** "Monday, 23 November 2026" for the digest's YYYY-MM-DD, or the date as given if it is not one. */
export function formatDay(date: string, locale: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return date;
  const noon = new Date(`${date}T12:00:00Z`);
  if (Number.isNaN(noon.getTime())) return date;
  const options = { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' } as const;
  return new Intl.DateTimeFormat(locale === 'ru' ? 'ru-RU' : 'en-GB', options).format(noon);
}

/** An SLA alert in the department's group: what is late or about to be, and who has it. */
function ticketAlert(tr: Translator, notice: Notice<'ticket_alert'>, timeZone: string): Html[] {
  const { ticket, event } = notice;
  const key = event.type === 'sla_reminder' ? 'alert.sla_reminder' : 'alert.sla_breached';
  const who = ticket.assigneeName ? tr.html('alert.assignee', { name: ticket.assigneeName }) : tr.html('alert.unassigned');
  return [joinHtml([tr.html(key, slaParams(tr, ticket, event, timeZone)), who])];
}

/** The daily digest of one department's group: the queue in four numbers and the most overdue tickets. */
function digest(tr: Translator, notice: Notice<'digest'>): Html[] {
  const { counts } = notice;
  const listed = notice.overdue.slice(0, DIGEST_OVERDUE_MAX);
  const lines = listed.map(
    (ticket) =>
      html`${priorityIcon[ticket.priority]} <b>#${ticket.number}</b> ${truncate(ticket.title, DIGEST_TITLE_MAX)} · ${tr.t(`priority.${ticket.priority}`)} · ${ticket.assigneeName ?? tr.t('digest.nobody')}`,
  );
  const more = counts.overdue - listed.length;
  return [
    joinHtml([
      html`<b>${tr.html('digest.title', { department: notice.departmentName, date: formatDay(notice.date, tr.locale) })}</b>`,
      joinHtml(
        [
          tr.html('digest.open', { count: counts.open }),
          tr.html('digest.unassigned', { count: counts.unassigned }),
          tr.html('digest.overdue', { count: counts.overdue }),
          tr.html('digest.due_today', { count: counts.dueToday }),
        ],
        ' · ',
      ),
    ]),
    lines.length ? joinHtml([html`<b>${tr.t('digest.overdue_title')}</b>`, ...lines]) : counts.overdue > 0 ? null : tr.html('digest.none_overdue'),
    more > 0 ? tr.html('digest.overdue_more', { count: more }) : null,
  ].filter((block): block is Html => block !== null);
}

/**
 * A message in a department's group that is not a card (an SLA alert, the daily digest), as
 * HTML blocks in the group's language.
 */
export function renderChatNotice(tr: Translator, notice: ChatNotice, timeZone: string): Html[] {
  return notice.kind === 'digest' ? digest(tr, notice) : ticketAlert(tr, notice, timeZone);
}
