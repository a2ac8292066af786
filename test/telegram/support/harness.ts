import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { Writable } from 'node:stream';
import { createTelegramBot, type TelegramBotDeps } from '../../../bots/telegram/index.js';
import type { TelegramLimits } from '../../../bots/telegram/deps.js';
import type { Database } from '../../../src/db/connection.js';
import { createFileStore, type FileStore } from '../../../src/db/files.js';
import type { PersonDoc } from '../../../src/db/models/person.js';
import type { Role } from '../../../src/db/models/person.js';
import { buildHttpApp } from '../../../src/http/build-app.js';
import { defaultLocalesDir } from '../../../src/i18n/locales-dir.js';
import { loadI18n } from '../../../src/i18n/translate.js';
import { actorFromPerson, type Actor } from '../../../src/people/actor.js';
import { forgetPeople } from '../../../src/people/people-cache.js';
import { ChannelRegistry } from '../../../src/notify/channel.js';
import { createBackgroundJobs, type BackgroundJobs } from '../../../src/jobs/background-jobs.js';
import { createEventDelivery } from '../../../src/notify/deliver-event.js';
import { createTicketService, type TicketService } from '../../../src/tickets/ticket-service.js';
import { startBotApiFake, type ChatMessage, type FakeChat, type FakeUser } from './bot-api-fake.js';
import { freePort } from '../../support/free-port.js';
import type { DeadlineOptions } from '../../../bots/telegram/runtime/deadline.js';

export interface Member {
  user: FakeUser;
  person: PersonDoc;
  actor: Actor;
}

/** Log lines the bot wrote, as parsed JSON, to check what was (and was not) logged. */
export class LogCapture {
  readonly lines: Record<string, unknown>[] = [];
  readonly raw: string[] = [];
  readonly logger: Logger;

  constructor() {
    const sink = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        const text = chunk.toString();
        this.raw.push(text);
        for (const line of text.split('\n').filter(Boolean)) this.lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    this.logger = pino({ level: 'debug' }, sink);
  }

  find(message: string | RegExp): Record<string, unknown>[] {
    return this.lines.filter((line) => (typeof message === 'string' ? line.msg === message : message.test(String(line.msg))));
  }
}

export const WEBHOOK_SECRET = 'test-webhook-secret_123';

export interface HarnessOptions {
  registrationOpen?: boolean;
  maxFileBytes?: number;
  mode?: 'polling' | 'webhook';
  orgLocale?: string;
  /** Telegram's limits for this bot; generous by default so tests are not slowed by them. */
  limits?: Partial<TelegramLimits>;
  /** Deadlines of Bot API calls (seconds by default). */
  deadlines?: Partial<DeadlineOptions>;
}

/**
 * The whole chain of a real deployment, minus Telegram: a Bot API fake on 127.0.0.1, the real
 * grammY bot in long polling, the ticket service and the notification outbox (Agenda) on a real database, with a
 * small org: IT (bound to a group, two categories) and HR, a requester, agents, an admin.
 */
export async function startHarness(db: { current: Database }, options: HarnessOptions = {}) {
  const { models, connection } = db.current;
  const api = await startBotApiFake();
  const log = new LogCapture();
  const logger = log.logger;
  const i18n = loadI18n(defaultLocalesDir(), options.orgLocale ?? 'en');
  const files: FileStore = createFileStore(connection, options.maxFileBytes ?? 256 * 1024);
  const tickets: TicketService = createTicketService({ models, clock: () => new Date(), logger, timezone: 'Europe/Moscow' });
  const channels = new ChannelRegistry();
  const delivery = createEventDelivery({ models, channels, logger, locale: options.orgLocale ?? 'en', clock: () => new Date() });
  const jobs: BackgroundJobs = createBackgroundJobs({ db: db.current, delivery, logger, clock: () => new Date(), processEveryMs: 100, deliveryRetry: { baseDelayMs: 20 } });
  tickets.subscribe((event, ticket) => jobs.outbox.enqueue(event, ticket));

  const itGroup = api.createGroup('IT support team');
  const hrGroup = api.createGroup('HR team');
  await models.Department.create([
    {
      key: 'it',
      name: { en: 'IT support', ru: 'ИТ-поддержка' },
      categories: [
        { key: 'hardware', name: { en: 'Hardware', ru: 'Оборудование' } },
        { key: 'access', name: { en: 'Access', ru: 'Доступы' } },
      ],
      telegramChats: [String(itGroup.id)],
    },
    { key: 'hr', name: { en: 'HR', ru: 'Кадры' }, categories: [], telegramChats: [String(hrGroup.id)] },
  ]);

  async function member(name: string, role: Role, departments: string[], extra: Record<string, string> = {}, languageCode = 'en', started = true): Promise<Member> {
    const user = api.createUser({ firstName: name.split(' ')[0]!, languageCode, started });
    const doc = await models.Person.create({ name, role, departments, origin: 'config', email: `${user.id}@example.test`, ...extra });
    await models.Identity.create({ platform: 'telegram', externalId: String(user.id), personId: doc._id });
    await forgetPeople(models);
    const person = doc.toObject() as PersonDoc;
    return { user, person, actor: actorFromPerson(person) };
  }

  const people = {
    rita: await member('Rita Requester', 'requester', [], { company: 'Acme', unit: 'Sales', phone: '+7 912 345-67-89' }),
    ivan: await member('Ivan Agent', 'agent', ['it']),
    inna: await member('Inna Agent', 'agent', ['it']),
    hanna: await member('Hanna Hr', 'agent', ['hr']),
    kira: await member('Kira Coordinator', 'coordinator', ['it']),
    ada: await member('Ada Admin', 'admin', []),
    max: await member('Max Manager', 'manager', []),
  };

  let registrationOpen = options.registrationOpen ?? false;
  const webhookPort = options.mode === 'webhook' ? await freePort() : 0;
  const deps = (): TelegramBotDeps => ({
    models,
    tickets,
    files,
    i18n,
    logger,
    org: { locale: options.orgLocale ?? 'en', registrationOpen, timezone: 'Europe/Moscow' },
    telegram:
      options.mode === 'webhook'
        ? { token: api.token, apiRoot: api.apiRoot, mode: 'webhook', webhookUrl: `http://127.0.0.1:${webhookPort}/telegram/webhook`, secret: WEBHOOK_SECRET }
        : { token: api.token, apiRoot: api.apiRoot, mode: 'polling' },
    limits: { globalPerSecond: 1000, groupPerMinute: 1000, privateBurst: 0, retryBaseDelayMs: 20, ...options.limits },
    ...(options.deadlines ? { deadlines: options.deadlines } : {}),
  });

  let telegram = createTelegramBot(deps());
  channels.register(telegram.channel);
  let app: FastifyInstance | null = null;
  if (options.mode === 'webhook') {
    // The real HTTP app with the bot's route mounted next to the API, on a real port.
    app = await buildHttpApp({ db: db.current, tickets, files, i18n, logger, clock: () => new Date(), extraRoutes: [telegram.webhookRoute!] });
    await app.listen({ port: webhookPort, host: '127.0.0.1' });
  }
  await jobs.start();
  await telegram.start();

  return {
    api,
    db: db.current,
    models,
    tickets,
    jobs,
    files,
    i18n,
    log,
    people,
    groups: { it: itGroup, hr: hrGroup },
    /** A person of the directory with a Telegram account; `started: false` never opened a chat with the bot. */
    addMember: (name: string, role: Role, departments: string[], options: { started?: boolean } = {}) => member(name, role, departments, {}, 'en', options.started ?? true),
    get telegram() {
      return telegram;
    },
    /** Stops the bot and starts a brand-new instance on the same database, as a process restart would. */
    async restart(changes: { registrationOpen?: boolean } = {}): Promise<void> {
      registrationOpen = changes.registrationOpen ?? registrationOpen;
      await telegram.stop();
      telegram = createTelegramBot(deps());
      channels.register(telegram.channel);
      await telegram.start();
    },
    /**
     * The chat's stored session once `ready` accepts it: it is written when an update's
     * handling ends, just after the bot's answer, so a test that saw the answer waits a moment.
     */
    async session(chatId: number, ready: (value: Record<string, unknown> | undefined) => boolean): Promise<Record<string, unknown> | undefined> {
      const read = async () => (await models.KvEntry.findOne({ scope: 'tg-session', key: String(chatId) }).lean())?.value as Record<string, unknown> | undefined;
      const until = Date.now() + 5000;
      let value = await read();
      while (!ready(value) && Date.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        value = await read();
      }
      return value;
    },
    /** Waits until every delivery of the outbox is done. */
    settle: () => jobs.settle(),
    /** The card of ticket `number` in a chat, as the chat shows it now. */
    async card(chat: FakeChat, number: number): Promise<ChatMessage> {
      const stored = await models.CardMessage.findOne({ ticketNumber: number, platform: 'telegram', chatId: String(chat.id) }).lean();
      if (!stored) throw new Error(`no card of #${number} in chat ${chat.id}`);
      const message = api.message(chat.id, Number(stored.messageId));
      if (!message) throw new Error(`card message ${stored.messageId} missing in chat ${chat.id}`);
      return message;
    },
    /** Waits until the card of #number in the chat shows `match` (cards are edited after the fact). */
    async cardShowing(chat: FakeChat, number: number, match: string | RegExp): Promise<ChatMessage> {
      const until = Date.now() + 8000;
      for (;;) {
        const stored = await models.CardMessage.findOne({ ticketNumber: number, platform: 'telegram', chatId: String(chat.id) }).lean();
        const message = stored ? api.message(chat.id, Number(stored.messageId)) : undefined;
        const text = message?.text ?? '';
        if (message && (typeof match === 'string' ? text.includes(match) : match.test(text))) return message;
        if (Date.now() > until) throw new Error(`card of #${number} in ${chat.id} never showed ${String(match)}; it shows: ${text}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    app,
    webhookUrl: `http://127.0.0.1:${webhookPort}/telegram/webhook`,
    async close(): Promise<void> {
      await telegram.stop();
      await app?.close();
      await jobs.stop();
      await api.close();
    },
  };
}

export type Harness = Awaited<ReturnType<typeof startHarness>>;
