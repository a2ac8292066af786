import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import type { CommandFailedEvent, CommandStartedEvent, CommandSucceededEvent } from 'mongodb';
import pino, { type Logger } from 'pino';
import { createTelegramBot } from '../bots/telegram/index.js';
import type { Database } from '../src/db/connection.js';
import { createFileStore } from '../src/db/files.js';
import { defaultLocalesDir } from '../src/i18n/locales-dir.js';
import { loadI18n } from '../src/i18n/translate.js';
import { createBackgroundJobs, type BackgroundJobs } from '../src/jobs/background-jobs.js';
import { ChannelRegistry, type CardSource, type DirectNotice } from '../src/notify/channel.js';
import { createEventDelivery, type EventDelivery } from '../src/notify/deliver-event.js';
import { actorFromPerson, type Actor } from '../src/people/actor.js';
import { createTicketService, type TicketService } from '../src/tickets/ticket-service.js';
import { RecordingChannel } from '../test/support/recording-channel.js';
import { startBotApiFake } from '../test/telegram/support/bot-api-fake.js';
import { timed } from './support.js';

/** Prints how a long run goes, with the seconds since the bench began. */
export type Progress = (message: string) => void;

/** Database time by command and collection, from the driver's command monitoring. */
export type DatabaseTime = Map<string, { count: number; ms: number }>;

/**
 * Sums the duration of every command the database answered while `run` ran, by command and
 * collection (`find tickets`). Needs a connection opened with `monitorCommands=true`.
 */
async function databaseTimeOf<T>(db: Database, run: () => Promise<T>): Promise<{ result: T; time: DatabaseTime }> {
  const time: DatabaseTime = new Map();
  const client = db.connection.getClient();
  const names = new Map<number, string>();
  const started = (event: CommandStartedEvent) => {
    const target = event.command[event.commandName] as unknown;
    names.set(event.requestId, typeof target === 'string' ? `${event.commandName} ${target}` : event.commandName);
  };
  const ended = (event: CommandSucceededEvent | CommandFailedEvent) => {
    const key = names.get(event.requestId) ?? event.commandName;
    names.delete(event.requestId);
    const entry = time.get(key) ?? { count: 0, ms: 0 };
    entry.count += 1;
    entry.ms += event.duration;
    time.set(key, entry);
  };
  client.on('commandStarted', started);
  client.on('commandSucceeded', ended);
  client.on('commandFailed', ended);
  try {
    return { result: await run(), time };
  } finally {
    client.off('commandStarted', started);
    client.off('commandSucceeded', ended);
    client.off('commandFailed', ended);
  }
}

/** How the measured jobs drained: from `jobs.start()` until no delivery job was left. */
export interface Drain {
  seconds: number;
  /** Until `jobs.start()` returned: the start-up sweep for events without a job, then the scheduling. */
  startSeconds: number;
  /** Until the first message went out: Agenda locks every due job before it runs any. */
  firstSeconds: number;
  /** Runs of the delivery by the measured jobs: one per job, unless a job ran twice or was retried. */
  runs: number;
  /** Where the database spent its time meanwhile. */
  databaseTime: DatabaseTime;
}

/** The delivery, counting how often a job ran it: more runs than jobs are repeats and retries. */
function countingRuns(delivery: EventDelivery): EventDelivery & { runs: number } {
  const counted = {
    ...delivery,
    runs: 0,
    deliver(target: Parameters<EventDelivery['deliver']>[0]): Promise<void> {
      counted.runs += 1;
      return delivery.deliver(target);
    },
  };
  return counted;
}

export interface ThroughputResult extends Drain {
  events: number;
  cardEdits: number;
  directs: number;
  /** Delivery jobs in the collection while draining (the setup's finished ones stay, as in production). */
  jobsStored: number;
  warnings: number;
}

export interface BurstResult extends Drain {
  messages: number;
  /** sendMessage calls answered 429 by the Bot API fake. */
  tooManyRequests: number;
  /** The most messages the fake accepted within any one second. */
  peakPerSecond: number;
  warnings: number;
}

const SETUP_CONCURRENCY = 8;
const DRAIN_TIMEOUT_MS = 15 * 60_000;

function warningLogger(): { logger: Logger; warnings: string[] } {
  const warnings: string[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => done(void warnings.push(chunk.toString())) });
  return { logger: pino({ level: 'warn' }, sink), warnings };
}

/** The recording channel, noting when (epoch ms) each card edit and notice went out. */
class TimedChannel extends RecordingChannel {
  readonly sentAt: number[] = [];
  edits = 0;

  override async updateCard(chatId: string, messageId: string, card: CardSource) {
    this.sentAt.push(Date.now());
    this.edits += 1;
    return super.updateCard(chatId, messageId, card);
  }

  override async sendDirect(userId: string, notice: DirectNotice) {
    this.sentAt.push(Date.now());
    return super.sendDirect(userId, notice);
  }
}

/** An agent of `department` and `count` requesters, each with a Telegram account. */
async function seedPeople(db: Database, department: string, telegramIds: string[]): Promise<{ agent: Actor; requesters: Actor[] }> {
  const { models } = db;
  const agent = await models.Person.create({ name: 'Bench Agent', email: 'agent@bench.test', role: 'agent', departments: [department], origin: 'config' });
  const people = await models.Person.insertMany(
    telegramIds.map((_, i) => ({ name: `Bench Requester ${i}`, email: `requester${i}@bench.test`, role: 'requester', origin: 'config' })),
  );
  await models.Identity.insertMany(people.map((person, i) => ({ platform: 'telegram', externalId: telegramIds[i]!, personId: person._id })));
  return { agent: actorFromPerson(agent.toObject()), requesters: people.map((person) => actorFromPerson(person.toObject())) };
}

interface Prepared {
  /** The outbox whose jobs are measured: `count` replies' delivery jobs stored, not started. */
  jobs: BackgroundJobs;
  jobsStored: number;
}

/**
 * Opens `count` tickets through the service, one per requester in turn, and has a first outbox
 * deliver their events (setup: cards posted, nothing measured); then the agent replies once on
 * each ticket with a second outbox that stores the replies' delivery jobs but does not run them
 * yet. Every event gets its job, so the measured start-up sweep finds none missing.
 */
async function prepareReplies(
  db: Database,
  deps: { tickets: TicketService; delivery: EventDelivery; logger: Logger },
  people: { agent: Actor; requesters: Actor[] },
  department: string,
  count: number,
  progress: Progress,
): Promise<Prepared> {
  const { tickets, delivery, logger } = deps;
  const clock = () => new Date();
  const setup = createBackgroundJobs({ db, delivery, logger, clock });
  let outbox = setup.outbox;
  const unsubscribe = tickets.subscribe((event, ticket) => outbox.enqueue(event, ticket));
  await setup.start();
  const numbers: number[] = [];
  const opened = await timed(count, SETUP_CONCURRENCY, async (index) => {
    const requester = people.requesters[index % people.requesters.length]!;
    const ticket = await tickets.open(requester, { description: `Printer ${index} jams\nTray 2, since this morning`, department, source: 'telegram' }, 'telegram');
    numbers[index] = ticket.number;
    if ((index + 1) % 250 === 0) progress(`setup: ${index + 1} of ${count} tickets opened`);
  });
  // Polled slowly: on FerretDB each count scans the jobs and would slow the workers it waits for.
  while ((await setup.outbox.unfinished()) > 0) await new Promise((resolve) => setTimeout(resolve, 500));
  await setup.stop();
  progress(`setup: ${count} tickets opened in ${opened.seconds.toFixed(1)} s, their events delivered`);

  const jobs = createBackgroundJobs({ db, delivery, logger, clock });
  outbox = jobs.outbox;
  const replied = await timed(count, SETUP_CONCURRENCY, async (index) => {
    await tickets.reply(people.agent, numbers[index]!, { text: `We have ordered a new tray for printer ${index}; it arrives tomorrow.` }, 'api');
    if ((index + 1) % 250 === 0) progress(`setup: ${index + 1} of ${count} replies`);
  });
  unsubscribe();
  const jobsStored = await jobs.outbox.unfinished();
  if (jobsStored !== count) throw new Error(`${count} replies stored ${jobsStored} delivery jobs`);
  progress(`setup: ${count} replies in ${replied.seconds.toFixed(1)} s, their ${count} delivery jobs stored, not yet run`);
  return { jobs, jobsStored: await db.connection.collection('agendaJobs').countDocuments({ name: 'deliver-event' }) };
}

/**
 * Starts the jobs and waits until no delivery job is left; `sent` says how many messages went
 * out, `firstSentAt` when (epoch ms) the first did. It watches the messages until all went out
 * and only then asks the database, whose every count scans the jobs on FerretDB.
 */
async function drain(jobs: BackgroundJobs, sent: () => number, firstSentAt: () => number | undefined, expected: number, progress: Progress): Promise<Omit<Drain, 'runs' | 'databaseTime'>> {
  const startedAt = Date.now();
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  await jobs.start();
  const startSeconds = elapsed();
  progress(`draining: jobs started (start-up sweep took ${startSeconds.toFixed(1)} s)`);
  let reported = 0;
  const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  while (sent() < expected || (await jobs.outbox.unfinished()) > 0) {
    if (elapsed() * 1000 > DRAIN_TIMEOUT_MS) throw new Error(`the outbox did not drain in ${DRAIN_TIMEOUT_MS / 1000} s: ${sent()} of ${expected} sent`);
    if (elapsed() - reported >= 10) {
      reported = elapsed();
      progress(`draining: ${sent()} of ${expected} messages sent after ${reported.toFixed(0)} s`);
    }
    await wait(sent() < expected ? 20 : 200);
  }
  const first = firstSentAt();
  return { seconds: elapsed(), startSeconds, firstSeconds: first === undefined ? Number.NaN : (first - startedAt) / 1000 };
}

/**
 * Outbox throughput on a fast in-process channel: `events` replies by an agent, each on its own
 * ticket in a department bound to one chat, so each delivery job edits the ticket's card there
 * and sends the requester a notice. The jobs are stored first, then drained by the real Agenda
 * workers and event delivery, with the production settings.
 */
export async function outboxThroughput(db: Database, workload: { events: number; requesters: number }, progress: Progress): Promise<ThroughputResult> {
  const { models } = db;
  const { logger, warnings } = warningLogger();
  const clock = () => new Date();
  await models.Department.create({ key: 'it', name: { en: 'IT support' }, telegramChats: ['-100'] });
  const people = await seedPeople(db, 'it', Array.from({ length: workload.requesters }, (_, i) => String(100_000 + i)));
  const channel = new TimedChannel();
  const channels = new ChannelRegistry();
  channels.register(channel);
  const tickets = createTicketService({ models, clock, logger, timezone: 'UTC' });
  const delivery = countingRuns(createEventDelivery({ models, channels, logger, locale: 'en', clock }));
  const { jobs, jobsStored } = await prepareReplies(db, { tickets, delivery, logger }, people, 'it', workload.events, progress);
  const runsBefore = delivery.runs;

  const before = { sent: channel.sentAt.length, edits: channel.edits, directs: channel.directs.length };
  const sent = () => channel.sentAt.length - before.sent;
  try {
    const { result: drained, time } = await databaseTimeOf(db, () => drain(jobs, sent, () => channel.sentAt[before.sent], workload.events * 2, progress));
    const cardEdits = channel.edits - before.edits;
    const notices = channel.directs.slice(before.directs);
    const noticedEvents = new Set(notices.map((notice) => notice.notice.event._id.toString()));
    if (cardEdits !== workload.events || notices.length !== workload.events || noticedEvents.size !== workload.events) {
      throw new Error(`${workload.events} replies made ${cardEdits} card edits and ${notices.length} notices about ${noticedEvents.size} events`);
    }
    return { ...drained, databaseTime: time, events: workload.events, runs: delivery.runs - runsBefore, cardEdits, directs: notices.length, jobsStored, warnings: warnings.length };
  } finally {
    await jobs.stop();
    if (warnings.length) console.warn(`${warnings.length} warnings or errors logged:\n${warnings.slice(0, 10).join('')}`);
  }
}

/** The most timestamps (ms) within any window of `windowMs`. */
function peakWithin(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let peak = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last += 1) {
    while (sorted[last]! - sorted[first]! >= windowMs) first += 1;
    peak = Math.max(peak, last - first + 1);
  }
  return peak;
}

/**
 * A burst of `messages` Telegram notices: one reply by an agent to each of that many requesters,
 * in a department without a group (so each event is exactly one private message). The real bot
 * with its production limits sends them to the Bot API fake, which enforces Telegram's limits
 * and answers 429 to anything over them.
 */
export async function telegramBurst(db: Database, workload: { messages: number }, progress: Progress): Promise<BurstResult> {
  const { models, connection } = db;
  const { logger, warnings } = warningLogger();
  const clock = () => new Date();
  const api = await startBotApiFake({ limits: true });
  await models.Department.create({ key: 'hr', name: { en: 'HR' } });
  const users = Array.from({ length: workload.messages }, (_, i) => api.createUser({ firstName: `Requester${i}` }));
  const people = await seedPeople(db, 'hr', users.map((user) => String(user.id)));
  const tickets = createTicketService({ models, clock, logger, timezone: 'UTC' });
  const channels = new ChannelRegistry();
  const delivery = countingRuns(createEventDelivery({ models, channels, logger, locale: 'en', clock }));
  // No `limits`: the bot paces itself with its production defaults (30 messages a second, 20 a minute per group).
  const bot = createTelegramBot({
    models,
    tickets,
    files: createFileStore(connection, 1 << 20),
    i18n: loadI18n(defaultLocalesDir(), 'en'),
    logger,
    org: { locale: 'en', registrationOpen: false, timezone: 'UTC' },
    telegram: { token: api.token, apiRoot: api.apiRoot, mode: 'polling' },
  });
  channels.register(bot.channel);
  await bot.start();
  let jobs: BackgroundJobs | null = null;
  try {
    ({ jobs } = await prepareReplies(db, { tickets, delivery, logger }, people, 'hr', workload.messages, progress));
    const accepted = () => api.calls('sendMessage').length - api.tooManyRequests;
    const before = api.calls('sendMessage').length;
    const runsBefore = delivery.runs;
    const { result: drained, time } = await databaseTimeOf(db, () => drain(jobs!, accepted, () => api.calls('sendMessage')[before]?.at, workload.messages, progress));
    const delivered = users.filter((user) => api.botMessages(user.id).length === 1).length;
    const times = api.calls('sendMessage').map((call) => call.at);
    const result = { ...drained, databaseTime: time, runs: delivery.runs - runsBefore, messages: accepted(), tooManyRequests: api.tooManyRequests, peakPerSecond: peakWithin(times, 1000), warnings: warnings.length };
    if (result.tooManyRequests > 0) throw new Error(`the bot met ${result.tooManyRequests} 429 Too Many Requests from the Bot API fake (peak ${result.peakPerSecond} messages in one second)`);
    if (delivered !== workload.messages || result.messages !== workload.messages) {
      throw new Error(`${workload.messages} notices: ${result.messages} sent, ${delivered} requesters got exactly one`);
    }
    return result;
  } finally {
    await bot.stop();
    await jobs?.stop();
    await api.close();
    if (warnings.length) console.warn(`${warnings.length} warnings or errors logged:\n${warnings.slice(0, 10).join('')}`);
  }
}

export interface ChannelBurstResult {
  messages: number;
  seconds: number;
  tooManyRequests: number;
  peakPerSecond: number;
  warnings: number;
}

/**
 * The Telegram side of a burst alone: `messages` notices handed straight to the bot's channel
 * (what each delivery job calls), `concurrency` at a time like the outbox's workers, one to each
 * of that many requesters, with the production pacing against the Bot API fake enforcing
 * Telegram's limits. The notice is one agent reply, journaled through the service.
 */
export async function telegramChannelBurst(db: Database, workload: { messages: number; concurrency: number }, progress: Progress): Promise<ChannelBurstResult> {
  const { models, connection } = db;
  const { logger, warnings } = warningLogger();
  const clock = () => new Date();
  const api = await startBotApiFake({ limits: true });
  await models.Department.create({ key: 'hr', name: { en: 'HR' } });
  const users = Array.from({ length: workload.messages }, (_, i) => api.createUser({ firstName: `Requester${i}` }));
  const people = await seedPeople(db, 'hr', users.map((user) => String(user.id)));
  const tickets = createTicketService({ models, clock, logger, timezone: 'UTC' });
  const opened = await tickets.open(people.requesters[0]!, { description: 'Payslip for October is missing\nIt was there last month', department: 'hr', source: 'telegram' }, 'telegram');
  const { ticket, event } = await tickets.reply(people.agent, opened.number, { text: 'We have re-sent the payslips for October to everyone.' }, 'api');
  const bot = createTelegramBot({
    models,
    tickets,
    files: createFileStore(connection, 1 << 20),
    i18n: loadI18n(defaultLocalesDir(), 'en'),
    logger,
    org: { locale: 'en', registrationOpen: false, timezone: 'UTC' },
    telegram: { token: api.token, apiRoot: api.apiRoot, mode: 'polling' },
  });
  await bot.start();
  try {
    let done = 0;
    const timing = await timed(workload.messages, workload.concurrency, async (index) => {
      await bot.channel.sendDirect(String(users[index]!.id), { ticket, event, locale: 'en', audience: 'requester' });
      done += 1;
      if (done % 250 === 0) progress(`channel burst: ${done} of ${workload.messages} notices sent`);
    });
    const accepted = api.calls('sendMessage').length - api.tooManyRequests;
    const delivered = users.filter((user) => api.botMessages(user.id).length === 1).length;
    const result = { messages: accepted, seconds: timing.seconds, tooManyRequests: api.tooManyRequests, peakPerSecond: peakWithin(api.calls('sendMessage').map((call) => call.at), 1000), warnings: warnings.length };
    if (result.tooManyRequests > 0) throw new Error(`the bot met ${result.tooManyRequests} 429 Too Many Requests from the Bot API fake (peak ${result.peakPerSecond} messages in one second)`);
    if (delivered !== workload.messages || accepted !== workload.messages) throw new Error(`${workload.messages} notices: ${accepted} sent, ${delivered} requesters got exactly one`);
    return result;
  } finally {
    await bot.stop();
    await api.close();
    if (warnings.length) console.warn(`${warnings.length} warnings or errors logged:\n${warnings.slice(0, 10).join('')}`);
  }
}
