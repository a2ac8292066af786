import { performance } from 'node:perf_hooks';
import { run } from '@grammyjs/runner';
import { Bot } from 'grammy';
import pino from 'pino';
import { createTelegramBot } from '../bots/telegram/index.js';
import type { Database } from '../src/db/connection.js';
import { createFileStore } from '../src/db/files.js';
import { defaultLocalesDir } from '../src/i18n/locales-dir.js';
import { loadI18n } from '../src/i18n/translate.js';
import { createBackgroundJobs } from '../src/jobs/background-jobs.js';
import { ChannelRegistry } from '../src/notify/channel.js';
import { createEventDelivery } from '../src/notify/deliver-event.js';
import { actorFromPerson } from '../src/people/actor.js';
import { createTicketService } from '../src/tickets/ticket-service.js';
import { startBotApiFake, type BotApiFake, type FakeChat, type FakeUser } from '../test/telegram/support/bot-api-fake.js';
import { type Timing } from './support.js';

export interface BotWorkload {
  /** Updates sent per kind. */
  updates: number;
  /** Private chats sending them (updates of one chat are handled in order, chats in parallel). */
  chats: number;
  /** Tickets each requester has opened before: what /my lists and /find searches. */
  ticketsPerRequester: number;
}

interface Sender {
  user: FakeUser;
  chat: FakeChat | null;
}

/** Kinds of update measured apart: their costs differ by orders of magnitude on some servers. */
export type UpdateKind = 'message' | 'my' | 'find';

const texts: Record<UpdateKind, string> = {
  message: 'The scanner on floor 2 is offline',
  my: '/my',
  find: '/find printer jams',
};

/** Sends every update of the workload at once and waits until each got its answer. */
async function measure(api: BotApiFake, senders: Sender[], total: number, text: string): Promise<Timing> {
  const answered = () => api.calls('sendMessage').length;
  const before = answered();
  const started = performance.now();
  for (let i = 0; i < total; i += 1) {
    const sender = senders[i % senders.length]!;
    api.sendText(sender.user, sender.chat, text);
  }
  await api.waitFor(() => answered() - before >= total, 600_000, `${total} answers`);
  const seconds = (performance.now() - started) / 1000;
  return { seconds, perSecond: total / seconds };
}

/**
 * The whole pipeline: Bot API fake on 127.0.0.1 (long polling, answers locally), the real
 * bot with dedupe, per-chat order, MongoDB sessions, identification, and its features on the
 * ticket service. Each kind is measured on its own: requesters' plain messages outside a
 * dialog (offered as a ticket: a session write), requesters' /my (a list of their tickets),
 * agents' /find (a search over their departments' tickets).
 */
export async function helpdeskBotThroughput(db: Database, workload: BotWorkload): Promise<Record<UpdateKind, Timing>> {
  const { models, connection } = db;
  const logger = pino({ level: 'silent' });
  const api = await startBotApiFake();
  const group = api.createGroup('IT support team');
  await models.Department.create({ key: 'it', name: { en: 'IT support' }, telegramChats: [String(group.id)] });
  const clock = () => new Date();
  const tickets = createTicketService({ models, clock, logger, timezone: 'UTC' });
  const channels = new ChannelRegistry();
  const delivery = createEventDelivery({ models, channels, logger, locale: 'en', clock });
  const jobs = createBackgroundJobs({ db, delivery, logger, clock });
  tickets.subscribe((event, ticket) => jobs.outbox.enqueue(event, ticket));

  const requesters: Sender[] = [];
  const agents: Sender[] = [];
  for (let i = 0; i < workload.chats * 2; i += 1) {
    const agent = i % 2 === 1;
    const user = api.createUser({ firstName: `User${i}` });
    const person = await models.Person.create({
      name: `Bench User ${i}`,
      email: `user${i}@bench.test`,
      role: agent ? 'agent' : 'requester',
      departments: agent ? ['it'] : [],
      origin: 'config',
    });
    await models.Identity.create({ platform: 'telegram', externalId: String(user.id), personId: person._id });
    if (!agent) {
      const actor = actorFromPerson(person.toObject());
      for (let t = 0; t < workload.ticketsPerRequester; t += 1) {
        await tickets.open(actor, { description: `Printer ${i}-${t} jams\nTray ${t}`, department: 'it', source: 'telegram' }, 'telegram');
      }
    }
    (agent ? agents : requesters).push({ user, chat: null });
  }
  await jobs.start();
  await jobs.settle(120_000);

  const bot = createTelegramBot({
    models,
    tickets,
    files: createFileStore(connection, 1 << 20),
    i18n: loadI18n(defaultLocalesDir(), 'en'),
    logger,
    org: { locale: 'en', registrationOpen: false, timezone: 'UTC' },
    telegram: { token: api.token, apiRoot: api.apiRoot, mode: 'polling' },
    // Telegram's own limits (30 messages/s) would measure Telegram; lift them to measure the helpdesk.
    limits: { globalPerSecond: 1_000_000, groupPerMinute: 1_000_000, privateBurst: 0 },
  });
  channels.register(bot.channel);
  await bot.start();
  try {
    await measure(api, requesters, Math.min(60, workload.updates), texts.message); // warm-up
    return {
      message: await measure(api, requesters, workload.updates, texts.message),
      my: await measure(api, requesters, workload.updates, texts.my),
      find: await measure(api, agents, workload.updates, texts.find),
    };
  } finally {
    await bot.stop();
    await jobs.stop();
    await api.close();
  }
}

/** Baseline: a bare grammY bot on the same fake and runner, answering each message with a fixed text. */
export async function bareBotThroughput(workload: BotWorkload): Promise<Timing> {
  const api = await startBotApiFake();
  const bot = new Bot(api.token, { client: { apiRoot: api.apiRoot } });
  bot.on('message', (ctx) => ctx.reply('ok'));
  bot.botInfo = await bot.api.getMe();
  const runner = run(bot, { runner: { fetch: { timeout: 30 }, silent: true } });
  const senders: Sender[] = Array.from({ length: workload.chats }, (_, i) => ({ user: api.createUser({ firstName: `Bare${i}` }), chat: null }));
  try {
    await measure(api, senders, Math.min(60, workload.updates), texts.message);
    return await measure(api, senders, workload.updates, texts.message);
  } finally {
    await runner.stop();
    await api.close();
  }
}
