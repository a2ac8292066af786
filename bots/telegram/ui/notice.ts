import type { DirectNotice } from '../../../src/notify/channel.js';
import { noticeHeaderKey } from '../../../src/notify/notice-key.js';
import { slaParams } from './chat-notice.js';
import { describeEvent, field, type DepartmentNames } from './events.js';
import { bodyAfterTitle } from './format.js';
import { html, joinHtml, splitText, truncate, type Html } from './html.js';
import type { Translator } from './translator.js';

const TITLE_MAX = 100;
/** How much of the description an on-duty alert quotes: enough to judge the urgency. */
const DESCRIPTION_EXCERPT = 300;

/** Notices of automatic steps with a line of their own, as `notice.<event>.<audience>`. */
const alertNotices = new Set([
  'notice.sla_reminder.assignee',
  'notice.sla_breached.coordinator',
  'notice.sla_escalated.manager',
  'notice.on_duty_alerted.on_duty',
  'notice.still_working.requester',
]);
/** Room left for the header in the first message of a long relayed text. */
const BODY_CHUNK = 3500;

export interface RenderedNotice {
  /** In order; the last one carries the buttons. Long texts come in several parts. */
  blocks: Html[];
  /** The requester may rate: the ticket was just resolved (or closed without a rating). */
  rating: boolean;
}

/** A ticket closed by the helpdesk itself after days without a reply (`after.auto`). */
function isAutoClose(notice: DirectNotice): boolean {
  const after = notice.event.after ?? {};
  return notice.event.type === 'status_changed' && after.status === 'closed' && after.auto === true;
}

/**
 * The first lines of a notice about an automatic step (SLA reminder, breach, escalation,
 * on-duty alert, "still working", automatic close), or null for any other event. An on-duty
 * person sees who asked and how the problem starts, to judge the urgency from the message.
 */
function alertHeader(tr: Translator, notice: DirectNotice, timeZone: string): Html | null {
  const { ticket, event, audience } = notice;
  if (audience === 'requester' && isAutoClose(notice)) {
    return tr.html('notice.requester.auto_closed', { number: ticket.number, title: truncate(ticket.title, TITLE_MAX), count: field(event.after?.days) || '?' });
  }
  const key = `notice.${event.type}.${audience}`;
  if (!alertNotices.has(key)) return null;
  const header = tr.html(key, slaParams(tr, ticket, event, timeZone));
  if (event.type !== 'on_duty_alerted') return header;
  const description = bodyAfterTitle(ticket.description, ticket.title);
  return joinHtml([
    header,
    tr.html('notice.on_duty.requester', { requester: ticket.requester.name }),
    description ? html`<blockquote>${truncate(description, DESCRIPTION_EXCERPT)}</blockquote>` : null,
  ]);
}

/** The last line: how to answer, or what to do next. */
function hintKey(notice: DirectNotice): string {
  const { ticket, event } = notice;
  if (event.type === 'on_duty_alerted') return 'tg.notice.on_duty_hint';
  if (ticket.status === 'closed') return isAutoClose(notice) ? 'tg.notice.auto_closed_hint' : 'tg.notice.closed_hint';
  return event.internal ? 'tg.notice.note_hint' : 'tg.notice.reply_hint';
}

/**
 * A personal message about a ticket event, in the recipient's language. Requesters never get
 * internal notes (the core does not send them; this refuses them again). Every notice says
 * how to answer: reply to it.
 */
export function renderNotice(tr: Translator, notice: DirectNotice, departmentName: DepartmentNames, timeZone = 'UTC'): RenderedNotice | null {
  const { ticket, event, audience } = notice;
  if (event.internal && audience === 'requester') return null;
  const params = {
    number: ticket.number,
    title: truncate(ticket.title, TITLE_MAX),
    actor: event.actorName,
    assignee: ticket.assigneeName ?? '',
    status: tr.t(`status.${ticket.status}`),
    score: ticket.rating?.score ?? '',
  };
  const key = noticeHeaderKey(notice);
  const header =
    alertHeader(tr, notice, timeZone) ??
    (key
      ? tr.html(key, params)
      : html`👁 #${ticket.number} «${params.title}»: ${describeEvent(tr, event, departmentName)}`);
  const bodyText = event.type === 'opened' ? null : event.text;
  const chunks = bodyText ? splitText(bodyText, BODY_CHUNK) : [];
  const blocks: Html[] = chunks.length
    ? chunks.map((chunk, index) => (index === 0 ? html`${header}\n<blockquote>${chunk}</blockquote>` : html`<blockquote>${chunk}</blockquote>`))
    : [header];
  if (event.attachments?.length) blocks.push(tr.html('notice.attachments', { count: event.attachments.length }));
  const closed = ticket.status === 'closed';
  blocks.push(tr.html(hintKey(notice), { number: ticket.number }));
  const rating =
    audience === 'requester' &&
    event.type === 'status_changed' &&
    (ticket.status === 'resolved' || (closed && !ticket.rating));
  return { blocks, rating };
}
