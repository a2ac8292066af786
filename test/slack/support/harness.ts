import type { FastifyInstance } from 'fastify';
import { createSlackBot, type SlackBot } from '../../../bots/slack/index.js';
import type { SlackLimits } from '../../../bots/slack/deps.js';
import type { Database } from '../../../src/db/connection.js';
import { createFileStore } from '../../../src/db/files.js';
import type { PersonDoc, Role } from '../../../src/db/models/person.js';
import { buildHttpApp } from '../../../src/http/build-app.js';
import { defaultLocalesDir } from '../../../src/i18n/locales-dir.js';
import { loadI18n } from '../../../src/i18n/translate.js';
import { createBackgroundJobs } from '../../../src/jobs/background-jobs.js';
import { ChannelRegistry } from '../../../src/notify/channel.js';
import { createEventDelivery } from '../../../src/notify/deliver-event.js';
import { actorFromPerson, type Actor } from '../../../src/people/actor.js';
import { createTicketService } from '../../../src/tickets/ticket-service.js';
import { LogCapture } from '../../telegram/support/harness.js';
import { SlackSender, type StateSpec } from './signed-requests.js';
import { startSlackFake, type FakeMessage, type FakeSlackUser } from './web-api-fake.js';
import { freePort } from '../../support/free-port.js';

export const SIGNING_SECRET = 'test-signing-secret-0123456789';

export interface SlackMember {
  user: FakeSlackUser;
  person: PersonDoc;
  actor: Actor;
}

export interface SlackHarnessOptions {
  registrationOpen?: boolean;
  maxFileBytes?: number;
  /** Slack's limits for this app; generous by default so tests are not slowed by them. */
  limits?: Partial<SlackLimits>;
  /** The request clock of the app (signature windows), when a test moves time. */
  now?: () => Date;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The whole chain of a real deployment, minus Slack: a Web API fake on 127.0.0.1, the real
 * Bolt app mounted on the helpdesk's fastify server (signed HTTP requests go to it), the
 * ticket service and the outbox on a real database. A small org: IT (bound to #it-support,
 * two categories) and HR (#hr), a requester, agents, a coordinator, an admin, a manager.
 * Some people are linked by their Slack id in the directory, others only by e-mail.
 */
export async function startSlackHarness(db: { current: Database }, options: SlackHarnessOptions = {}) {
  const { models, connection } = db.current;
  const fake = await startSlackFake();
  const log = new LogCapture();
  const { logger } = log;
  const clock = () => new Date();
  const i18n = loadI18n(defaultLocalesDir(), 'en');
  const files = createFileStore(connection, options.maxFileBytes ?? 256 * 1024);
  const tickets = createTicketService({ models, clock, logger, timezone: 'Europe/Moscow' });
  const channels = new ChannelRegistry();
  const delivery = createEventDelivery({ models, channels, logger, locale: 'en', clock });
  const jobs = createBackgroundJobs({ db: db.current, delivery, logger, clock, processEveryMs: 100, deliveryRetry: { baseDelayMs: 20 } });
  tickets.subscribe((event, ticket) => jobs.outbox.enqueue(event, ticket));

  async function member(name: string, role: Role, departments: string[], link: 'id' | 'email', locale?: string): Promise<SlackMember> {
    const user = fake.createUser({ name: name.split(' ')[0]!.toLowerCase(), email: `${name.split(' ')[0]!.toLowerCase()}@example.test`, ...(locale ? { locale } : {}) });
    const doc = await models.Person.create({ name, role, departments, origin: 'config', email: user.email });
    if (link === 'id') await models.Identity.create({ platform: 'slack', externalId: user.id, personId: doc._id });
    const person = doc.toObject() as PersonDoc;
    return { user, person, actor: actorFromPerson(person) };
  }

  const people = {
    rita: await member('Rita Requester', 'requester', [], 'email'),
    ivan: await member('Ivan Agent', 'agent', ['it'], 'id'),
    inna: await member('Inna Agent', 'agent', ['it'], 'email'),
    hanna: await member('Hanna Hr', 'agent', ['hr'], 'id'),
    kira: await member('Kira Coordinator', 'coordinator', ['it'], 'id'),
    ada: await member('Ada Admin', 'admin', [], 'id'),
    max: await member('Max Manager', 'manager', [], 'id'),
  };
  const stranger = fake.createUser({ name: 'stranger', email: 'stranger@elsewhere.test' });
  const itChannel = fake.createChannel('it-support', { members: [people.ivan.user.id, people.inna.user.id, people.kira.user.id, people.ada.user.id, people.hanna.user.id, stranger.id] });
  const hrChannel = fake.createChannel('hr', { members: [people.hanna.user.id, people.ada.user.id] });
  await models.Department.create([
    {
      key: 'it',
      name: { en: 'IT support', ru: 'ИТ-поддержка' },
      categories: [
        { key: 'hardware', name: { en: 'Hardware', ru: 'Оборудование' } },
        { key: 'access', name: { en: 'Access', ru: 'Доступы' } },
      ],
      slackChannels: [itChannel.id],
    },
    { key: 'hr', name: { en: 'HR', ru: 'Кадры' }, categories: [], slackChannels: [hrChannel.id] },
  ]);

  const port = await freePort();
  const deps = () => ({
    models,
    tickets,
    files,
    i18n,
    logger,
    clock: options.now ?? clock,
    org: { locale: 'en', registrationOpen: options.registrationOpen ?? false, timezone: 'Europe/Moscow' },
    slack: { botToken: fake.botToken, signingSecret: SIGNING_SECRET, apiUrl: fake.apiUrl, mode: 'http' as const },
    limits: { channelIntervalMs: 0, retries: 3, retryMinMs: 10, retryMaxMs: 50, ...options.limits },
  });
  const slack: SlackBot = createSlackBot(deps());
  channels.register(slack.channel);
  const app: FastifyInstance = await buildHttpApp({ db: db.current, tickets, files, i18n, logger, clock, extraRoutes: [slack.route!] });
  await app.listen({ port, host: '127.0.0.1' });
  await jobs.start();
  await slack.start();
  const baseUrl = `http://127.0.0.1:${port}`;
  const sender = new SlackSender(baseUrl, SIGNING_SECRET, fake);

  async function cardRecord(channel: string, number: number) {
    return models.CardMessage.findOne({ ticketNumber: number, platform: 'slack', chatId: channel }).lean();
  }

  const harness = {
    fake,
    sender,
    slack,
    app,
    baseUrl,
    db: db.current,
    models,
    tickets,
    jobs,
    files,
    log,
    people,
    stranger,
    channels: { it: itChannel, hr: hrChannel },
    settle: () => jobs.settle(),

    /** Waits until `probe` gives something (the app answers after acknowledging). */
    waitFor: <T>(probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, what = 'condition', timeoutMs = 8000): Promise<T> =>
      (async () => {
        const until = Date.now() + timeoutMs;
        for (;;) {
          const value = await probe();
          if (value) return value;
          if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
          await sleep(20);
        }
      })(),

    /** `/helpdesk` and the modal it opens. */
    async openNewTicketModal(user: FakeSlackUser): Promise<Record<string, unknown>> {
      const before = fake.callsOf('views.open').length;
      await sender.command(user, '/helpdesk', '');
      await harness.waitFor(() => fake.callsOf('views.open').length > before, 'views.open');
      return fake.openViews[fake.openViews.length - 1]!;
    },

    /** Fills the new ticket modal and submits it; returns the app's answer (errors, or empty). */
    async submitNewTicket(user: FakeSlackUser, viewId: string, form: { department?: string; category?: string; title?: string; description?: string; priority?: string; files?: unknown[] }) {
      const values: StateSpec = {
        department: { value: { type: 'static_select', selected_option: form.department ? { value: form.department } : null } },
        category: { value: { type: 'static_select', selected_option: form.category ? { value: form.category } : null } },
        title: { value: { type: 'plain_text_input', value: form.title ?? null } },
        description: { value: { type: 'plain_text_input', value: form.description ?? null } },
        files: { value: { type: 'file_input', files: (form.files ?? []) as Record<string, unknown>[] } },
      };
      if (form.priority) values.priority = { value: { type: 'static_select', selected_option: { value: form.priority } } };
      return sender.viewSubmission(user, viewId, values);
    },

    /** Opens a ticket through the modal, as the user would, and waits for it. */
    async openTicket(user: FakeSlackUser, form: { department: string; category?: string; title?: string; description: string; files?: unknown[] }): Promise<number> {
      const view = await harness.openNewTicketModal(user);
      const count = await models.Ticket.countDocuments({});
      const answer = await harness.submitNewTicket(user, String(view.id), form);
      if (answer.status !== 200 || answer.body) throw new Error(`submission refused: ${answer.status} ${answer.body}`);
      const ticket = await harness.waitFor(async () => (await models.Ticket.countDocuments({})) > count && models.Ticket.findOne({}).sort({ number: -1 }).lean(), 'the new ticket');
      return ticket.number;
    },

    /** The card of ticket `number` in a channel, as the channel shows it now. */
    async card(channel: string, number: number): Promise<FakeMessage> {
      const stored = await cardRecord(channel, number);
      if (!stored) throw new Error(`no card of #${number} in ${channel}`);
      const message = fake.message(channel, stored.messageId);
      if (!message) throw new Error(`card message ${stored.messageId} missing in ${channel}`);
      return message;
    },

    /** Waits until the card of #number in the channel shows `match` (cards are edited after the fact). */
    async cardShowing(channel: string, number: number, match: string | RegExp): Promise<FakeMessage> {
      return harness.waitFor(async () => {
        const stored = await cardRecord(channel, number);
        const message = stored ? fake.message(channel, stored.messageId) : undefined;
        const text = JSON.stringify(message?.blocks ?? '');
        return message && (typeof match === 'string' ? text.includes(match) : match.test(text)) ? message : null;
      }, `card of #${number} in ${channel} showing ${String(match)}`);
    },

    /** Presses a button of the ticket's card. */
    async press(user: FakeSlackUser, channel: string, number: number, actionId: string) {
      const card = await harness.card(channel, number);
      return sender.blockAction(user, { actionId, value: String(number), channelId: channel, messageTs: card.ts });
    },

    /** The ticket's thread in a user's DM with the app (its root and replies). */
    dmThread(user: FakeSlackUser): FakeMessage[] {
      return fake.messages(fake.dmOf(user.id));
    },

    async close(): Promise<void> {
      await slack.stop();
      await app.close();
      await jobs.stop();
      await fake.close();
    },
  };
  return harness;
}

export type SlackHarness = Awaited<ReturnType<typeof startSlackHarness>>;
