import type { JournalEvent } from '../../../src/db/models/journal-event.js';
import type { Ticket } from '../../../src/db/models/ticket.js';
import { formatTime } from '../../../src/i18n/format-time.js';
import type { ChatNotice } from '../../../src/notify/channel.js';
import { context, section, type Block } from './blocks.js';
import { slaTarget } from './events.js';
import { priorityIcon } from './labels.js';
import { bold, escapeMrkdwn, truncate } from './mrkdwn.js';
import type { Translator } from './translator.js';

const TITLE_MAX = 100;
const DIGEST_TITLE_MAX = 80;
/** The digest lists at most this many overdue tickets (the core sends no more either). */
const DIGEST_OVERDUE_MAX = 10;

type Notice<K extends ChatNotice['kind']> = Extract<ChatNotice, { kind: K }>;

export interface RenderedChatNotice {
  /** The notification text (and what clients without blocks show). */
  text: string;
  blocks: Block[];
}

/**
 * A moment as Slack's date token: each reader sees it in their own time zone, so a channel
 * spread over several zones reads the right hour. The fallback (UTC) is for old clients.
 */
export function slackTime(value: unknown, locale: string): string {
  const at = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : null;
  if (!at || Number.isNaN(at.getTime())) return '';
  return `<!date^${Math.floor(at.getTime() / 1000)}^{date_short_pretty} {time}|${escapeMrkdwn(formatTime(at, locale, 'UTC'))} UTC>`;
}

/**
 * What the texts of an SLA alert fill in, escaped for mrkdwn: the ticket, the target in
 * words, when it was due, who has the ticket. Used by channel alerts and
 * personal notices alike.
 */
export function slaParams(tr: Translator, ticket: Ticket, event: JournalEvent): Record<string, string | number> {
  const after = event.after ?? {};
  const stored = after.target === 'firstResponse' ? ticket.sla.firstResponseDue : ticket.sla.resolutionDue;
  return {
    number: ticket.number,
    title: escapeMrkdwn(truncate(ticket.title, TITLE_MAX)),
    target: slaTarget(tr, after.target),
    due: slackTime(after.due, tr.locale) || slackTime(stored, tr.locale),
    assignee: ticket.assigneeName ? escapeMrkdwn(ticket.assigneeName) : tr.t('notice.unassigned'),
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

/** An SLA alert in the department's channel: what is late or about to be, and who has it. */
function ticketAlert(tr: Translator, notice: Notice<'ticket_alert'>): RenderedChatNotice {
  const { ticket, event } = notice;
  const key = event.type === 'sla_reminder' ? 'alert.sla_reminder' : 'alert.sla_breached';
  const headline = tr.t(key, slaParams(tr, ticket, event));
  const who = ticket.assigneeName ? tr.t('alert.assignee', { name: escapeMrkdwn(ticket.assigneeName) }) : tr.t('alert.unassigned');
  return { text: headline, blocks: [section(`${headline}\n${who}`)] };
}

/** The daily digest of one department's channel: the queue in four numbers and the most overdue tickets. */
function digest(tr: Translator, notice: Notice<'digest'>): RenderedChatNotice {
  const { counts } = notice;
  const listed = notice.overdue.slice(0, DIGEST_OVERDUE_MAX);
  // Plain here: bold() escapes it once for mrkdwn.
  const title = tr.t('digest.title', { department: notice.departmentName, date: formatDay(notice.date, tr.locale) });
  const numbers = [
    tr.t('digest.open', { count: counts.open }),
    tr.t('digest.unassigned', { count: counts.unassigned }),
    tr.t('digest.overdue', { count: counts.overdue }),
    tr.t('digest.due_today', { count: counts.dueToday }),
  ];
  const lines = listed.map((ticket) =>
    [
      `${priorityIcon[ticket.priority]} *#${ticket.number}* ${escapeMrkdwn(truncate(ticket.title, DIGEST_TITLE_MAX))}`,
      tr.t(`priority.${ticket.priority}`),
      ticket.assigneeName ? escapeMrkdwn(ticket.assigneeName) : tr.t('digest.nobody'),
    ].join(' · '),
  );
  const more = counts.overdue - listed.length;
  const blocks: Block[] = [section(bold(title)), { type: 'section', fields: numbers.map((text) => ({ type: 'mrkdwn', text })) }];
  if (lines.length) blocks.push(section(`*${tr.t('digest.overdue_title')}*\n${lines.join('\n')}`));
  else if (counts.overdue === 0) blocks.push(section(tr.t('digest.none_overdue')));
  if (more > 0) blocks.push(context(tr.t('digest.overdue_more', { count: more })));
  return { text: `${escapeMrkdwn(title)} · ${numbers.join(' · ')}`, blocks };
}

/** A message in a department's channel that is not a card (an SLA alert, the daily digest), in Block Kit. */
export function renderChatNotice(tr: Translator, notice: ChatNotice): RenderedChatNotice {
  return notice.kind === 'digest' ? digest(tr, notice) : ticketAlert(tr, notice);
}
