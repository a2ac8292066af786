import type { JournalEvent } from '../../../src/db/models/journal-event.js';
import type { Ticket } from '../../../src/db/models/ticket.js';
import { describeEvent, type DepartmentNames } from './events.js';
import { html, truncate, type Html } from './html.js';
import { statusIcon } from './labels.js';
import { formatTime, type Translator } from './translator.js';

/**
 * A ticket's history as message blocks, oldest first: when, who, what, and the text of
 * comments. `events` are already filtered by the service (internal notes only for staff).
 */
export function renderHistory(
  tr: Translator,
  ticket: Ticket,
  events: JournalEvent[],
  options: { timeZone: string; departmentName: DepartmentNames },
): Html[] {
  const blocks: Html[] = [
    html`${statusIcon[ticket.status]} <b>#${ticket.number}</b> «${truncate(ticket.title, 200)}» · ${tr.t(`status.${ticket.status}`)}\n🏷 ${options.departmentName(ticket.department)}`,
  ];
  for (const event of events) {
    const when = formatTime(event.at, tr.locale, options.timeZone);
    const lock = event.internal ? '🔒 ' : '';
    const files = event.attachments?.length ? ` · 📎 ${event.attachments.length}` : '';
    const line = html`<i>${when}</i> · ${lock}${describeEvent(tr, event, options.departmentName)}${files}`;
    blocks.push(event.text ? html`${line}\n<blockquote>${event.text}</blockquote>` : line);
  }
  return blocks;
}
