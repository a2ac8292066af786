import type { DirectNotice } from '../../../src/notify/channel.js';
import { noticeHeaderKey } from '../../../src/notify/notice-key.js';
import { bodyAfterTitle } from '../../../src/tickets/body-after-title.js';
import { actions, button, context, section, type Block } from './blocks.js';
import { slaParams } from './chat-notice.js';
import { describeEvent, field, type DepartmentNames } from './events.js';
import { escapeMrkdwn, quote, truncate } from './mrkdwn.js';
import type { Translator } from './translator.js';

const TITLE_MAX = 100;
const BODY_MAX = 2800;
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

export const RATE_ACTION = 'rate';

export interface RenderedNotice {
  text: string;
  blocks: Block[];
}

/** The 1-5 buttons under a resolved ticket's notice; the value names the ticket and the score. */
export function ratingButtons(number: number): Block {
  return actions(`rate:${number}`, [1, 2, 3, 4, 5].map((score) => button('⭐'.repeat(score), `${RATE_ACTION}.${score}`, `${number}:${score}`)));
}

/** A ticket closed by the helpdesk itself after days without a reply (`after.auto`). */
function isAutoClose(notice: DirectNotice): boolean {
  const after = notice.event.after ?? {};
  return notice.event.type === 'status_changed' && after.status === 'closed' && after.auto === true;
}

/**
 * The first lines (mrkdwn) of a notice about an automatic step (SLA reminder, breach,
 * escalation, on-duty alert, "still working", automatic close), or null for any other event.
 * An on-duty person sees who asked and how the problem starts, to judge the urgency.
 */
function alertHeader(tr: Translator, notice: DirectNotice): string | null {
  const { ticket, event, audience } = notice;
  if (audience === 'requester' && isAutoClose(notice)) {
    return tr.t('notice.requester.auto_closed', { number: ticket.number, title: escapeMrkdwn(truncate(ticket.title, TITLE_MAX)), count: field(event.after?.days) || '?' });
  }
  const key = `notice.${event.type}.${audience}`;
  if (!alertNotices.has(key)) return null;
  const header = tr.t(key, slaParams(tr, ticket, event));
  if (event.type !== 'on_duty_alerted') return header;
  const description = bodyAfterTitle(ticket.description, ticket.title);
  const from = tr.t('notice.on_duty.requester', { requester: escapeMrkdwn(ticket.requester.name) });
  return [header, from, ...(description ? [quote(description, DESCRIPTION_EXCERPT)] : [])].join('\n');
}

/** The last line: how to answer, or what to do next. */
function hintKey(notice: DirectNotice): string {
  const { ticket, event, audience } = notice;
  if (event.type === 'on_duty_alerted') return 'slack.notice.on_duty_hint';
  if (ticket.status === 'closed') return isAutoClose(notice) ? 'slack.notice.auto_closed_hint' : 'slack.notice.closed_hint';
  return audience === 'requester' ? 'slack.notice.reply_hint' : 'slack.notice.staff_hint';
}

/**
 * A personal message about a ticket event, posted in the ticket's thread of the person's DM
 * with the app. Requesters never get internal notes (the core does not send them; this
 * refuses them again).
 */
export function renderNotice(tr: Translator, notice: DirectNotice, departmentName: DepartmentNames): RenderedNotice | null {
  const { ticket, event, audience } = notice;
  if (event.internal && audience === 'requester') return null;
  const title = escapeMrkdwn(truncate(ticket.title, TITLE_MAX));
  const params = {
    number: ticket.number,
    title,
    actor: escapeMrkdwn(event.actorName),
    assignee: escapeMrkdwn(ticket.assigneeName ?? ''),
    status: tr.t(`status.${ticket.status}`),
    score: ticket.rating?.score ?? '',
  };
  const key = noticeHeaderKey(notice);
  const header = alertHeader(tr, notice) ?? (key ? tr.t(key, params) : `:eyes: #${ticket.number} «${title}»: ${describeEvent(tr, event, departmentName)}`);
  const body = event.type !== 'opened' && event.text ? `\n${quote(event.text, BODY_MAX)}` : '';
  const blocks: Block[] = [section(`${header}${body}`)];
  if (event.attachments?.length) blocks.push(context(tr.t('notice.attachments', { count: event.attachments.length })));
  const closed = ticket.status === 'closed';
  const rating = audience === 'requester' && event.type === 'status_changed' && (ticket.status === 'resolved' || (closed && !ticket.rating));
  if (rating) blocks.push(ratingButtons(ticket.number));
  blocks.push(context(tr.t(hintKey(notice), { number: ticket.number })));
  return { text: header.replace(/\*/g, ''), blocks };
}
