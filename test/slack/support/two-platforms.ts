import type { FastifyInstance } from 'fastify';
import { createSlackBot, type SlackBot } from '../../../bots/slack/index.js';
import { createTelegramBot, type TelegramBot } from '../../../bots/telegram/index.js';
import type { Database } from '../../../src/db/connection.js';
import { createFileStore } from '../../../src/db/files.js';
import type { PersonDoc, Role } from '../../../src/db/models/person.js';
import { buildHttpApp } from '../../../src/http/build-app.js';
import { defaultLocalesDir } from '../../../src/i18n/locales-dir.js';
import { loadI18n } from '../../../src/i18n/translate.js';
import { createBackgroundJobs } from '../../../src/jobs/background-jobs.js';
import { ChannelRegistry } from '../../../src/notify/channel.js';
import type { Breakers } from '../../../src/notify/breaker.js';
import type { DeadlineOptions } from '../../../bots/telegram/runtime/deadline.js';
import { createEventDelivery } from '../../../src/notify/deliver-event.js';
import { actorFromPerson, type Actor } from '../../../src/people/actor.js';
import { createTicketService } from '../../../src/tickets/ticket-service.js';
import { startBotApiFake, type ChatMessage, type FakeChat, type FakeUser } from '../../telegram/support/bot-api-fake.js';
import { LogCapture } from '../../telegram/support/harness.js';
import { SlackSender } from './signed-requests.js';
import { SIGNING_SECRET } from './harness.js';
import { startSlackFake, type FakeMessage, type FakeSlackUser } from './web-api-fake.js';
import { freePort } from '../../support/free-port.js';

/** One person of the directory and the accounts they have on each platform. */
export interface TwoPlatformMember {
  person: PersonDoc;
  actor: Actor;
  /** Their Telegram account (linked by id, as the org config does), if they have one. */
  tg?: FakeUser;
  /** Their Slack account: linked by id when `slackLink` was 'id', else found by e-mail when they first act. */
  slack?: FakeSlackUser;
}

interface MemberSpec {
  name: string;
  role: Role;
  departments: string[];
  telegram: boolean;
  /** 'id': an identity row from the start; 'email': only the Slack profile's e-mail matches. */
  slack: 'id' | 'email' | null;
}

export interface TwoPlatformOptions {
  /** The Bot API root the bot talks to instead of the fake's own (a flaky link in front of it). */
  telegramApiRoot?: (fakeApiRoot: string) => Promise<string>;
  breakers?: Breakers;
  telegramDeadlines?: Partial<DeadlineOptions>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Message text and blocks as one string, to look for what a Slack message shows. */
export const slackText = (message: { blocks?: unknown[]; text?: string } | undefined) => `${message?.text ?? ''} ${JSON.stringify(message?.blocks ?? [])}`;

/**
 * One helpdesk process serving both platforms, as src/main.ts composes it: one database, one
 * ticket service, one ChannelRegistry with the real Telegram bot (long polling against a Bot
 * API fake) and the real Slack app (HTTP mode, mounted on the helpdesk's fastify server,
 * against a Web API fake), one outbox. The IT department is bound to a Telegram group and a
 * Slack channel at once.
 */
export async function startTwoPlatforms(db: { current: Database }, options: TwoPlatformOptions = {}) {
  const { models, connection } = db.current;
  const tg = await startBotApiFake();
  const slackFake = await startSlackFake();
  const log = new LogCapture();
  const { logger } = log;
  const clock = () => new Date();
  const i18n = loadI18n(defaultLocalesDir(), 'en');
  const files = createFileStore(connection, 256 * 1024);
  const tickets = createTicketService({ models, clock, logger, timezone: 'Europe/Moscow' });
  const channels = new ChannelRegistry(options.breakers);
  const delivery = createEventDelivery({ models, channels, logger, locale: 'en', clock });
  const jobs = createBackgroundJobs({ db: db.current, delivery, logger, clock, processEveryMs: 100, deliveryRetry: { baseDelayMs: 20 } });
  tickets.subscribe((event, ticket) => jobs.outbox.enqueue(event, ticket));

  async function member(spec: MemberSpec): Promise<TwoPlatformMember> {
    const first = spec.name.split(' ')[0]!;
    const email = `${first.toLowerCase()}@example.test`;
    const doc = await models.Person.create({ name: spec.name, role: spec.role, departments: spec.departments, origin: 'config', email });
    const person = doc.toObject() as PersonDoc;
    const result: TwoPlatformMember = { person, actor: actorFromPerson(person) };
    if (spec.telegram) {
      result.tg = tg.createUser({ firstName: first, languageCode: 'en' });
      await models.Identity.create({ platform: 'telegram', externalId: String(result.tg.id), personId: doc._id });
    }
    if (spec.slack) {
      // The Slack profile carries the same e-mail as the directory (in another case, as people type it).
      result.slack = slackFake.createUser({ name: first.toLowerCase(), email: spec.slack === 'email' ? email.toUpperCase() : email });
      if (spec.slack === 'id') await models.Identity.create({ platform: 'slack', externalId: result.slack.id, personId: doc._id });
    }
    return result;
  }

  const people = {
    /** A requester on Telegram who also has a Slack account, not linked yet (same e-mail). */
    tanya: await member({ name: 'Tanya Requester', role: 'requester', departments: [], telegram: true, slack: 'email' }),
    /** A requester on Slack (linked by id) who also has a Telegram account. */
    sam: await member({ name: 'Sam Requester', role: 'requester', departments: [], telegram: true, slack: 'id' }),
    /** An agent on Telegram, found on Slack only by the e-mail of his Slack profile. */
    ivan: await member({ name: 'Ivan Agent', role: 'agent', departments: ['it'], telegram: true, slack: 'email' }),
    /** An agent linked on both platforms by the ids of the org config. */
    inna: await member({ name: 'Inna Agent', role: 'agent', departments: ['it'], telegram: true, slack: 'id' }),
  };

  const group = tg.createGroup('IT support team');
  const channel = slackFake.createChannel('it-support', { members: [people.ivan.slack!.id, people.inna.slack!.id] });
  await models.Department.create([
    {
      key: 'it',
      name: { en: 'IT support', ru: 'ИТ-поддержка' },
      categories: [{ key: 'hardware', name: { en: 'Hardware', ru: 'Оборудование' } }],
      telegramChats: [String(group.id)],
      slackChannels: [channel.id],
    },
    { key: 'hr', name: { en: 'HR', ru: 'Кадры' }, categories: [] },
  ]);

  const org = { locale: 'en', registrationOpen: false, timezone: 'Europe/Moscow' };
  const telegram: TelegramBot = createTelegramBot({
    models,
    tickets,
    files,
    i18n,
    logger,
    clock,
    org,
    telegram: { token: tg.token, apiRoot: options.telegramApiRoot ? await options.telegramApiRoot(tg.apiRoot) : tg.apiRoot, mode: 'polling' },
    limits: { globalPerSecond: 1000, groupPerMinute: 1000, privateBurst: 0, retryBaseDelayMs: 20 },
    ...(options.telegramDeadlines ? { deadlines: options.telegramDeadlines } : {}),
  });
  const slack: SlackBot = createSlackBot({
    models,
    tickets,
    files,
    i18n,
    logger,
    clock,
    org,
    slack: { botToken: slackFake.botToken, signingSecret: SIGNING_SECRET, apiUrl: slackFake.apiUrl, mode: 'http' },
    limits: { channelIntervalMs: 0, retries: 3, retryMinMs: 10, retryMaxMs: 50 },
  });
  channels.register(telegram.channel);
  channels.register(slack.channel);

  const port = await freePort();
  const app: FastifyInstance = await buildHttpApp({ db: db.current, tickets, files, i18n, logger, clock, extraRoutes: [slack.route!] });
  await app.listen({ port, host: '127.0.0.1' });
  await telegram.start();
  await slack.start();
  await jobs.start();
  const sender = new SlackSender(`http://127.0.0.1:${port}`, SIGNING_SECRET, slackFake);

  async function waitFor<T>(probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, what: string, timeoutMs = 8000): Promise<T> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value) return value;
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
      await sleep(20);
    }
  }

  const cardRecord = (platform: 'telegram' | 'slack', chatId: string, number: number) => models.CardMessage.findOne({ ticketNumber: number, platform, chatId }).lean();

  const harness = {
    tg,
    slackFake,
    sender,
    telegram,
    slack,
    app,
    models,
    tickets,
    jobs,
    log,
    people,
    group,
    channel,
    waitFor,
    settle: () => jobs.settle(),

    /** The Telegram card of #number in the IT group, once it shows `match`. */
    tgCardShowing(number: number, match: string | RegExp): Promise<ChatMessage> {
      return waitFor(async () => {
        const stored = await cardRecord('telegram', String(group.id), number);
        const message = stored ? tg.message(group.id, Number(stored.messageId)) : undefined;
        const text = message?.text ?? '';
        return message && (typeof match === 'string' ? text.includes(match) : match.test(text)) ? message : null;
      }, `Telegram card of #${number} showing ${String(match)}`);
    },

    /** The Slack card of #number in #it-support, once it shows `match`. */
    slackCardShowing(number: number, match: string | RegExp): Promise<FakeMessage> {
      return waitFor(async () => {
        const stored = await cardRecord('slack', channel.id, number);
        const message = stored ? slackFake.message(channel.id, stored.messageId) : undefined;
        const text = slackText(message);
        return message && (typeof match === 'string' ? text.includes(match) : match.test(text)) ? message : null;
      }, `Slack card of #${number} showing ${String(match)}`);
    },

    /** Presses a button of the Slack card of #number, as `user`. */
    async pressSlack(user: FakeSlackUser, number: number, actionId: string) {
      const stored = await cardRecord('slack', channel.id, number);
      if (!stored) throw new Error(`no Slack card of #${number}`);
      return sender.blockAction(user, { actionId, value: String(number), channelId: channel.id, messageTs: stored.messageId });
    },

    /** The Telegram requester's dialog: /new, department, category, description, Done, Confirm. */
    async openOnTelegram(user: FakeUser, description: string): Promise<number> {
      const chat: FakeChat = tg.privateChat(user);
      const mark = tg.lastMessageId(chat.id);
      tg.sendText(user, null, '/new');
      await tg.pressButton(user, await tg.waitForBotMessage(chat.id, 'Which department', { after: mark }), 'IT support');
      await tg.pressButton(user, await tg.waitForBotMessage(chat.id, 'What is it about', { after: mark }), 'Hardware');
      await tg.waitForBotMessage(chat.id, 'Describe the problem', { after: mark });
      tg.sendText(user, null, description);
      await tg.pressButton(user, await tg.waitForBotMessage(chat.id, 'Add photos or documents', { after: mark }), 'Done');
      await tg.pressButton(user, await tg.waitForBotMessage(chat.id, 'Check your ticket', { after: mark }), 'Confirm');
      const created = await tg.waitForBotMessage(chat.id, /Ticket #\d+ .* is open/, { after: mark });
      return Number(/#(\d+)/.exec(created.text!)![1]);
    },

    /** The Slack requester's way: `/helpdesk`, then the new ticket modal. */
    async openOnSlack(user: FakeSlackUser, description: string): Promise<number> {
      const before = slackFake.callsOf('views.open').length;
      await sender.command(user, '/helpdesk', '');
      await waitFor(() => slackFake.callsOf('views.open').length > before, 'the new ticket modal');
      const view = slackFake.openViews.findLast((v) => v.callback_id === 'ticket.new')!;
      const count = await models.Ticket.countDocuments({});
      const answer = await sender.viewSubmission(user, String(view.id), {
        department: { value: { type: 'static_select', selected_option: { value: 'it' } } },
        category: { value: { type: 'static_select', selected_option: { value: 'it/hardware' } } },
        title: { value: { type: 'plain_text_input', value: null } },
        description: { value: { type: 'plain_text_input', value: description } },
        files: { value: { type: 'file_input', files: [] } },
      });
      if (answer.status !== 200 || answer.body) throw new Error(`submission refused: ${answer.status} ${answer.body}`);
      const ticket = await waitFor(async () => (await models.Ticket.countDocuments({})) > count && models.Ticket.findOne({}).sort({ number: -1 }).lean(), 'the new ticket');
      return ticket.number;
    },

    /** The bot's messages in a Slack user's DM with the app, thread replies included. */
    slackDm(user: FakeSlackUser): FakeMessage[] {
      return slackFake.botMessages(slackFake.dmOf(user.id));
    },

    async close(): Promise<void> {
      await slack.stop();
      await telegram.stop();
      await app.close();
      await jobs.stop();
      await slackFake.close();
      await tg.close();
    },
  };
  return harness;
}

export type TwoPlatforms = Awaited<ReturnType<typeof startTwoPlatforms>>;
