import { saveCardRecord } from '../../../src/notify/card-records.js';
import type { App, RespondArguments, RespondFn, SlashCommand } from '@slack/bolt';
import type { Ticket } from '../../../src/db/models/ticket.js';
import { bindChat } from '../../../src/notify/bind-chat.js';
import { departmentOfChat } from '../../../src/notify/bound-chats.js';
import { actorFromPerson, type Actor } from '../../../src/people/actor.js';
import { can, hasRole } from '../../../src/people/policy.js';
import { mayReport } from '../../../src/reports/report-access.js';
import { openStatuses } from '../../../src/tickets/state-machine.js';
import { refuse, requireActor } from '../runtime/answer.js';
import type { SlackServices } from '../services.js';
import { context, section, type Block } from '../ui/blocks.js';
import { renderHistory } from '../ui/history.js';
import { statusIcon } from '../ui/labels.js';
import { escapeMrkdwn, truncate } from '../ui/mrkdwn.js';
import { translator, type Translator } from '../ui/translator.js';
import { openNewTicketModal } from './new-ticket.js';
import { createNotifyCommand } from './notify-command.js';
import { createReportCommand, type ReportCommandOptions } from './report-command.js';
import { createScheduleCommand } from './schedule-command.js';

export const COMMAND = '/helpdesk';
const LIST_SIZE = 10;

interface Request {
  command: SlashCommand;
  respond: RespondFn;
  tr: Translator;
  actor: Actor;
}

function ticketLines(tr: Translator, items: Ticket[]): string {
  return items.map((ticket) => `${statusIcon[ticket.status]} *#${ticket.number}* ${escapeMrkdwn(truncate(ticket.title, 80))} · ${tr.t(`status.${ticket.status}`)}${ticket.assigneeName ? ` · ${escapeMrkdwn(ticket.assigneeName)}` : ''}`).join('\n');
}

/**
 * `/helpdesk` and its subcommands, mirroring the Telegram bot: no argument (or `new`) opens
 * the new ticket modal; `next`, `find <words>`, `ticket <n>`, `mine`, `bind <department>`
 * (admins), `schedule …` (managers, see schedule-command.ts), `notify …` (one's own
 * notices, see notify-command.ts), `report …` and `stats …` (managers and coordinators, see
 * report-command.ts) and `help`. Answers are ephemeral; a ticket's live card goes to the asker's DM
 * with the app (it follows the ticket there while they may see it).
 */
export function commandsFeature(app: App, services: SlackServices, options: { reports?: ReportCommandOptions } = {}): void {
  const { api, tickets, models, logger } = services;
  const schedule = createScheduleCommand(services);
  const notify = createNotifyCommand(services);
  const reports = createReportCommand(app, services, options.reports);

  async function respondList(request: Request, items: Ticket[], total: number, key: string, params: Record<string, string | number> = {}) {
    const { tr, respond } = request;
    if (total === 0) {
      await respond({ response_type: 'ephemeral', text: tr.t(`${key}.empty`, params) });
      return;
    }
    const blocks: Block[] = [section(`*${tr.t(`${key}.title`, { ...params, total })}*`), section(ticketLines(tr, items))];
    if (total > items.length) blocks.push(context(tr.t('slack.list.more', { count: total - items.length })));
    await respond({ response_type: 'ephemeral', text: tr.t(`${key}.title`, { ...params, total }), blocks } as RespondArguments);
  }

  /** The department of the channel the command came from (null: not a department's channel). */
  const channelDepartment = (command: SlashCommand) => departmentOfChat(models, 'slack', command.channel_id);

  /** A live card in the asker's DM with the app, recorded so every change edits it too. */
  async function cardToDm(request: Request, ticket: Ticket, note: string): Promise<void> {
    const { command, respond, tr, actor } = request;
    const here = await models.CardMessage.findOne({ ticketId: ticket._id, platform: 'slack', chatId: command.channel_id }).lean();
    if (here) {
      const link = await api.call('chat.getPermalink', { channel: command.channel_id, message_ts: here.messageId }).catch(() => null);
      await respond({ response_type: 'ephemeral', text: `${note}\n${tr.t('slack.ticket.here', { number: ticket.number, link: String(link?.permalink ?? '') })}` });
      return;
    }
    const channel = await api.openDm(command.user_id);
    const rendered = await services.cards.render(await services.cards.cardOf(ticket));
    const posted = await api.call('chat.postMessage', { channel, text: rendered.text, blocks: rendered.blocks });
    await saveCardRecord(models, { ticketId: ticket._id, platform: 'slack', chatId: channel }, { messageId: String(posted.ts), version: ticket.version, ticketNumber: ticket.number, viewerId: actor.id, frozen: false });
    await respond({ response_type: 'ephemeral', text: `${note}\n${tr.t('slack.ticket.sent_to_dm', { number: ticket.number })}` });
  }

  const subcommands: Record<string, (request: Request, rest: string) => Promise<void>> = {
    async next(request) {
      const { command, respond, tr, actor } = request;
      const department = (await channelDepartment(command)) ?? undefined;
      const result = await tickets.takeNext(actor, 'slack', department);
      if (!result) {
        await respond({ response_type: 'ephemeral', text: tr.t('slack.next.empty') });
        return;
      }
      await cardToDm(request, result.ticket, tr.t('slack.next.taken', { number: result.ticket.number, title: escapeMrkdwn(result.ticket.title) }));
    },

    async find(request, words) {
      const { tr, actor, respond } = request;
      if (!words) {
        await respond({ response_type: 'ephemeral', text: tr.t('slack.find.usage') });
        return;
      }
      const page = await tickets.list(actor, { q: words, pageSize: LIST_SIZE, sort: 'newest' });
      await respondList(request, page.items, page.total, 'slack.find', { q: escapeMrkdwn(truncate(words, 100)) });
    },

    async mine(request) {
      const { actor } = request;
      const page = await tickets.list(actor, { assignee: actor.id, status: [...openStatuses], pageSize: LIST_SIZE, sort: 'oldest' });
      await respondList(request, page.items, page.total, 'slack.mine');
    },

    async ticket(request, rest) {
      const { tr, actor, respond } = request;
      const number = Number(rest.replace(/^#/, ''));
      if (!Number.isSafeInteger(number) || number <= 0) {
        await respond({ response_type: 'ephemeral', text: tr.t('slack.ticket.usage') });
        return;
      }
      const ticket = await tickets.get(actor, number);
      if (can(actor, 'view_internal', ticket)) {
        await cardToDm(request, ticket, '');
        return;
      }
      // A requester reads the public history of their ticket.
      const journal = await tickets.journal(actor, number);
      const names = await services.cards.departmentNames(tr.locale);
      const blocks = renderHistory(tr, ticket, journal.filter((event) => !event.internal), { timeZone: services.org.timezone, departmentName: (key) => names.get(key)?.name ?? key });
      await respond({ response_type: 'ephemeral', text: `#${number}`, blocks } as RespondArguments);
    },

    async schedule({ command, tr, actor, respond }) {
      await respond({ response_type: 'ephemeral', text: await schedule(command, tr, actor) });
    },

    async notify({ command, tr, actor, respond }) {
      await respond({ response_type: 'ephemeral', text: await notify(command, tr, actor) });
    },

    report({ command, tr, actor, respond }, rest) {
      return reports.report({ userId: command.user_id, actor, tr, respond }, rest);
    },

    stats({ command, tr, actor, respond }, rest) {
      return reports.stats({ userId: command.user_id, actor, tr, respond }, rest);
    },

    async bind(request, rest) {
      const { command, tr, actor, respond } = request;
      const department = rest.trim().toLowerCase();
      if (!command.channel_id.startsWith('C') && !command.channel_id.startsWith('G')) {
        await respond({ response_type: 'ephemeral', text: tr.t('slack.bind.channel_only') });
        return;
      }
      if (!department) {
        const departments = await models.Department.find({ active: true }).sort({ key: 1 }).lean();
        await respond({ response_type: 'ephemeral', text: tr.t('slack.bind.usage', { departments: departments.map((d) => d.key).join(', ') }) });
        return;
      }
      await bindChat(models, actor, { platform: 'slack', chatId: command.channel_id, department });
      // A public channel can be joined by the app itself; a private one needs an /invite.
      const joined = await api.call('conversations.join', { channel: command.channel_id }).then(() => true, () => false);
      await respond({ response_type: 'in_channel', text: tr.t(joined ? 'slack.bind.done' : 'slack.bind.done_invite', { department }) });
    },
  };

  app.command(COMMAND, async ({ command, ack, respond }) => {
    await ack();
    const [word = '', ...rest] = command.text.trim().split(/\s+/);
    const name = word.toLowerCase();
    const found = await services.people.find(command.user_id);
    const tr = translator(services.i18n, found.locale);
    try {
      if (name === 'help') {
        const schedules = found.person && hasRole(found.person, 'manager') ? `\n${tr.t('schedule.help.short', { command: '`/helpdesk schedule`' })}` : '';
        const notices = tr.t('notify.help.short', { command: '`/helpdesk notify`' });
        const reporting = found.person && mayReport(actorFromPerson(found.person)) ? `\n${tr.t('slack.report.help.short')}\n${tr.t('slack.stats.help.short')}` : '';
        await respond({ response_type: 'ephemeral', text: `${tr.t('slack.help')}\n${notices}${schedules}${reporting}` });
        return;
      }
      if (name === '' || name === 'new') {
        await openNewTicketModal(services, command.trigger_id, command.user_id);
        return;
      }
      const run = subcommands[name];
      if (!run) {
        await respond({ response_type: 'ephemeral', text: tr.t('slack.command.unknown', { word: escapeMrkdwn(truncate(word, 40)) }) });
        return;
      }
      await run({ command, respond, tr, actor: requireActor(found, command.user_id) }, rest.join(' '));
    } catch (error) {
      await refuse(api, logger, tr, { userId: command.user_id, channel: command.channel_id, respond }, error, { command: `${COMMAND} ${name}` });
    }
  });
}
