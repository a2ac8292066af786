import type { DirectNotice } from '../../../src/notify/channel.js';
import { noticeHeaderKey } from '../../../src/notify/notice-key.js';
import { actions, button, context, section, type Block } from './blocks.js';
import { describeEvent, type DepartmentNames } from './events.js';
import { escapeMrkdwn, quote, truncate } from './mrkdwn.js';
import type { Translator } from './translator.js';

const TITLE_MAX = 100;
const BODY_MAX = 2800;

export const RATE_ACTION = 'rate';

export interface RenderedNotice {
  text: string;
  blocks: Block[];
}

/** The 1-5 buttons under a resolved ticket's notice; the value names the ticket and the score. */
export function ratingButtons(number: number): Block {
  return actions(`rate:${number}`, [1, 2, 3, 4, 5].map((score) => button('⭐'.repeat(score), `${RATE_ACTION}.${score}`, `${number}:${score}`)));
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
  const header = key ? tr.t(key, params) : `:eyes: #${ticket.number} «${title}»: ${describeEvent(tr, event, departmentName)}`;
  const body = event.type !== 'opened' && event.text ? `\n${quote(event.text, BODY_MAX)}` : '';
  const blocks: Block[] = [section(`${header}${body}`)];
  if (event.attachments?.length) blocks.push(context(tr.t('notice.attachments', { count: event.attachments.length })));
  const closed = ticket.status === 'closed';
  const rating = audience === 'requester' && event.type === 'status_changed' && (ticket.status === 'resolved' || (closed && !ticket.rating));
  if (rating) blocks.push(ratingButtons(ticket.number));
  const hint = closed ? 'slack.notice.closed_hint' : audience === 'requester' ? 'slack.notice.reply_hint' : 'slack.notice.staff_hint';
  blocks.push(context(tr.t(hint, { number: ticket.number })));
  return { text: header.replace(/\*/g, ''), blocks };
}
