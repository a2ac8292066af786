import type { Ticket } from '../../../src/db/models/ticket.js';
import { actions, button, context, section, type Block } from './blocks.js';
import { statusIcon } from './labels.js';
import { bold, escapeMrkdwn, truncate } from './mrkdwn.js';
import type { Translator } from './translator.js';

export const HOME_NEW_TICKET = 'home.new';

function ticketLines(tr: Translator, tickets: Ticket[]): string {
  return tickets.map((ticket) => `${statusIcon[ticket.status]} *#${ticket.number}* ${escapeMrkdwn(truncate(ticket.title, 80))} · ${tr.t(`status.${ticket.status}`)}`).join('\n');
}

/**
 * The App Home tab: a "New ticket" button, the person's tickets with their status, and for
 * staff the tickets assigned to them. Unknown people are told how to get access.
 */
export function homeView(
  tr: Translator,
  input: { name: string | null; requested: Ticket[]; requestedTotal: number; assigned: Ticket[] | null },
): Block {
  const blocks: Block[] = [section(input.name ? tr.t('slack.home.greeting', { name: bold(input.name) }) : tr.t('slack.home.unknown'))];
  if (input.name) {
    blocks.push(actions('home', [button(tr.t('slack.home.new_ticket'), HOME_NEW_TICKET, 'new', 'primary')]));
    blocks.push({ type: 'divider' });
    blocks.push(section(`*${tr.t('slack.home.mine_title', { total: input.requestedTotal })}*`));
    blocks.push(input.requested.length ? section(ticketLines(tr, input.requested)) : context(tr.t('slack.home.none')));
    if (input.assigned) {
      blocks.push(section(`*${tr.t('slack.home.assigned_title', { total: input.assigned.length })}*`));
      blocks.push(input.assigned.length ? section(ticketLines(tr, input.assigned)) : context(tr.t('slack.home.none_assigned')));
    }
    blocks.push(context(tr.t('slack.home.how')));
  }
  return { type: 'home', blocks };
}
