import type { DirectNotice } from '../../../src/notify/channel.js';
import { noticeHeaderKey } from '../../../src/notify/notice-key.js';
import { describeEvent, type DepartmentNames } from './events.js';
import { html, splitText, truncate, type Html } from './html.js';
import type { Translator } from './translator.js';

const TITLE_MAX = 100;
/** Room left for the header in the first message of a long relayed text. */
const BODY_CHUNK = 3500;

export interface RenderedNotice {
  /** In order; the last one carries the buttons. Long texts come in several parts. */
  blocks: Html[];
  /** The requester may rate: the ticket was just resolved (or closed without a rating). */
  rating: boolean;
}

/**
 * A personal message about a ticket event, in the recipient's language. Requesters never get
 * internal notes (the core does not send them; this refuses them again). Every notice says
 * how to answer: reply to it.
 */
export function renderNotice(tr: Translator, notice: DirectNotice, departmentName: DepartmentNames): RenderedNotice | null {
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
  const header = key
    ? tr.html(key, params)
    : html`👁 #${ticket.number} «${params.title}»: ${describeEvent(tr, event, departmentName)}`;
  const bodyText = event.type === 'opened' ? null : event.text;
  const chunks = bodyText ? splitText(bodyText, BODY_CHUNK) : [];
  const blocks: Html[] = chunks.length
    ? chunks.map((chunk, index) => (index === 0 ? html`${header}\n<blockquote>${chunk}</blockquote>` : html`<blockquote>${chunk}</blockquote>`))
    : [header];
  if (event.attachments?.length) blocks.push(tr.html('notice.attachments', { count: event.attachments.length }));
  const closed = ticket.status === 'closed';
  const hint = closed ? 'tg.notice.closed_hint' : event.internal ? 'tg.notice.note_hint' : 'tg.notice.reply_hint';
  blocks.push(tr.html(hint, { number: ticket.number }));
  const rating =
    audience === 'requester' &&
    event.type === 'status_changed' &&
    (ticket.status === 'resolved' || (closed && !ticket.rating));
  return { blocks, rating };
}
