import type { JournalEvent } from '../../../src/db/models/journal-event.js';
import type { Ticket } from '../../../src/db/models/ticket.js';
import { formatTime } from '../../../src/i18n/format-time.js';
import { context, fitBlocks, section, type Block } from './blocks.js';
import { describeEvent, type DepartmentNames } from './events.js';
import { statusIcon } from './labels.js';
import { bold, escapeMrkdwn, quote, truncate } from './mrkdwn.js';
import type { Translator } from './translator.js';

const TEXT_MAX = 1500;

/**
 * A ticket's history as blocks, newest last; `events` are already filtered by the service
 * (internal notes only for staff). A long history keeps its newest events within 50 blocks.
 */
export function renderHistory(tr: Translator, ticket: Ticket, events: JournalEvent[], options: { timeZone: string; departmentName: DepartmentNames }): Block[] {
  const head = section(
    `${statusIcon[ticket.status]} *#${ticket.number}* ${bold(truncate(ticket.title, 200))} · ${tr.t(`status.${ticket.status}`)}\n:label: ${escapeMrkdwn(options.departmentName(ticket.department))}`,
  );
  const lines = events.map((event) => {
    const lock = event.internal ? ':lock: ' : '';
    const files = event.attachments?.length ? ` · :paperclip: ${event.attachments.length}` : '';
    const line = `_${formatTime(event.at, tr.locale, options.timeZone)}_ · ${lock}${describeEvent(tr, event, options.departmentName)}${files}`;
    return section(event.text && event.type !== 'opened' ? `${line}\n${quote(event.text, TEXT_MAX)}` : line);
  });
  // Keep the newest: drop the oldest events first when the history is long.
  const room = 48;
  const shown = lines.length > room ? lines.slice(lines.length - room) : lines;
  const blocks = [head, ...(lines.length > room ? [context(tr.t('slack.history.older', { count: lines.length - room }))] : []), ...shown];
  return fitBlocks(blocks, (count) => tr.t('slack.history.older', { count }));
}
