import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import type { App } from '@slack/bolt';
import { Types } from 'mongoose';
import pino from 'pino';
import { createSlackBot } from '../bots/slack/index.js';
import { ticketThreads, type ThreadRoot } from '../bots/slack/store/threads.js';
import type { Database } from '../src/db/connection.js';
import { createFileStore } from '../src/db/files.js';
import { buildHttpApp } from '../src/http/build-app.js';
import { defaultLocalesDir } from '../src/i18n/locales-dir.js';
import { loadI18n } from '../src/i18n/translate.js';
import { createBackgroundJobs } from '../src/jobs/background-jobs.js';
import { ChannelRegistry } from '../src/notify/channel.js';
import { createEventDelivery, type EventToDeliver } from '../src/notify/deliver-event.js';
import { actorFromPerson, type Actor } from '../src/people/actor.js';
import { createTicketService } from '../src/tickets/ticket-service.js';
import { SlackSender } from '../test/slack/support/signed-requests.js';
import { startSlackFake, type FakeSlackUser } from '../test/slack/support/web-api-fake.js';
import { fixed, machineDescription, writeSection, type Timing } from './support.js';

const workload = {
  /** Events sent per kind. */
  events: Number(process.env.BENCH_SLACK_EVENTS ?? 200),
  /** Requesters, each writing in their own ticket's DM thread: also the number of events in flight. */
  requesters: Number(process.env.BENCH_SLACK_REQUESTERS ?? 20),
  agents: Number(process.env.BENCH_SLACK_AGENTS ?? 5),
  ticketsPerRequester: Number(process.env.BENCH_SLACK_TICKETS ?? 2),
};

const SIGNING_SECRET = 'bench-signing-secret-0123456789';

interface EventTiming extends Timing {
  ackMedianMs: number;
  ackP95Ms: number;
}

interface Member {
  user: FakeSlackUser;
  actor: Actor;
}

/** Sends one prepared request; `key` names it for `handled` (event id, or trigger id of a command). */
type Request = () => Promise<{ status: number; key: string }>;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
}

/**
 * Resolves when the app is done with a request. Bolt acknowledges an event before any
 * middleware runs, so the HTTP answer says nothing of the work: this wraps the app's
 * processEvent, which the receiver calls and which settles after every listener.
 */
function trackHandled(app: App): (key: string) => Promise<void> {
  const finished = new Set<string>();
  const waiting = new Map<string, () => void>();
  const processEvent = app.processEvent.bind(app);
  app.processEvent = async (event) => {
    try {
      await processEvent(event);
    } finally {
      const body = event.body as { event_id?: string; trigger_id?: string };
      const key = String(body.event_id ?? body.trigger_id);
      const wake = waiting.get(key);
      if (wake) {
        waiting.delete(key);
        wake();
      } else finished.add(key);
    }
  };
  return (key) => (finished.delete(key) ? Promise.resolve() : new Promise<void>((resolve) => waiting.set(key, resolve)));
}

/** The database operations mongoose makes while `run` handles one request, as `tickets.findOne ×2, ...`. */
async function operationsOf(db: Database, run: () => Promise<unknown>): Promise<string> {
  const ops: string[] = [];
  db.connection.set('debug', (collection: string, method: string) => ops.push(`${collection}.${method}`));
  try {
    await run();
  } finally {
    db.connection.set('debug', false);
  }
  const grouped: { op: string; times: number }[] = [];
  for (const op of ops) {
    const last = grouped.at(-1);
    if (last?.op === op) last.times += 1;
    else grouped.push({ op, times: 1 });
  }
  return `${ops.length} (${grouped.map(({ op, times }) => (times > 1 ? `${op} ×${times}` : op)).join(', ')})`;
}

/**
 * One worker per sender, each sending its next request once the app is done with the last
 * (like rawDriverFloor): the time runs until every request was handled, not just acknowledged.
 */
async function measure(senders: number, count: number, prepare: (sender: number, index: number) => Request, handled: (key: string) => Promise<void>): Promise<EventTiming> {
  const acks: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: senders }, async (_, sender) => {
      for (let index = sender; index < count; index += senders) {
        const request = prepare(sender, index);
        const sent = performance.now();
        const { status, key } = await request();
        acks.push(performance.now() - sent);
        if (status !== 200) throw new Error(`request ${index} answered ${status}`);
        await handled(key);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  acks.sort((a, b) => a - b);
  return { seconds, perSecond: count / seconds, ackMedianMs: percentile(acks, 0.5), ackP95Ms: percentile(acks, 0.95) };
}

/** Baseline: what no event avoids in the database, with the raw driver: claim its id (unique index), find the sender's identity. */
async function rawDriverFloor(db: Database, count: number, senders: number): Promise<Timing> {
  const claims = db.connection.collection('raw_slack_event_claims');
  const identities = db.connection.collection('raw_slack_identities');
  await claims.createIndex({ key: 1 }, { unique: true });
  await identities.createIndex({ platform: 1, externalId: 1 }, { unique: true });
  await identities.insertMany(Array.from({ length: senders }, (_, i) => ({ platform: 'slack', externalId: `U${i}`, personId: new Types.ObjectId() })));
  const run = async (prefix: string, total: number) => {
    const started = performance.now();
    await Promise.all(
      Array.from({ length: senders }, async (_, sender) => {
        for (let index = sender; index < total; index += senders) {
          await claims.insertOne({ key: `${prefix}${index}`, at: new Date() });
          await identities.findOne({ platform: 'slack', externalId: `U${sender}` });
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    return { seconds, perSecond: total / seconds };
  };
  await run('warm', senders);
  return run('Ev', count);
}

/**
 * The real Slack app over signed HTTP: a Web API fake on 127.0.0.1, Bolt mounted on the
 * helpdesk's fastify server, the ticket service on the database. Tickets are opened and
 * taken through the service and delivered through the app (cards, and the "taken" notice
 * that starts each requester's DM thread of the ticket); then each kind of request is
 * measured on its own.
 */
async function slackEventThroughput(db: Database) {
  const { models, connection } = db;
  const warnings: string[] = [];
  const logger = pino({ level: 'warn' }, new Writable({ write: (chunk: Buffer, _encoding, done) => done(void warnings.push(chunk.toString())) }));
  const fake = await startSlackFake();
  const clock = () => new Date();
  const files = createFileStore(connection, 1 << 20);
  const i18n = loadI18n(defaultLocalesDir(), 'en');
  const tickets = createTicketService({ models, clock, logger, timezone: 'UTC' });
  const channels = new ChannelRegistry();
  const delivery = createEventDelivery({ models, channels, logger, locale: 'en', clock });
  // Agenda never starts: each change stores its delivery job (a change returns only after
  // that), but no job runs during the measurement. The setup's own changes are delivered
  // directly, as the outbox job would (a job run would also leave Agenda's 5-minute lock check
  // timer behind, which keeps the process alive after the bench).
  const jobs = createBackgroundJobs({ db, delivery, logger, clock });
  tickets.subscribe((event, ticket) => jobs.outbox.enqueue(event, ticket));
  const owed: EventToDeliver[] = [];
  const stopCollecting = tickets.subscribe(async (event, ticket) => {
    owed.push({ eventId: event._id, ticketId: ticket._id, assigneeId: ticket.assigneeId });
  });

  const member = async (i: number, role: 'requester' | 'agent'): Promise<Member> => {
    const user = fake.createUser({ name: `${role}${i}`, email: `${role}${i}@bench.test` });
    const person = await models.Person.create({ name: `Bench ${role} ${i}`, email: user.email, role, departments: role === 'agent' ? ['it'] : [], origin: 'config' });
    await models.Identity.create({ platform: 'slack', externalId: user.id, personId: person._id });
    return { user, actor: actorFromPerson(person.toObject()) };
  };
  const agents: Member[] = [];
  for (let i = 0; i < workload.agents; i += 1) agents.push(await member(i, 'agent'));
  const requesters: Member[] = [];
  for (let i = 0; i < workload.requesters; i += 1) requesters.push(await member(i, 'requester'));
  const it = fake.createChannel('it-support', { members: agents.map((agent) => agent.user.id) });
  await models.Department.create({ key: 'it', name: { en: 'IT support' }, slackChannels: [it.id] });

  const slack = createSlackBot({
    models,
    tickets,
    files,
    i18n,
    logger,
    org: { locale: 'en', registrationOpen: false, timezone: 'UTC' },
    slack: { botToken: fake.botToken, signingSecret: SIGNING_SECRET, apiUrl: fake.apiUrl, mode: 'http' },
    // Slack's own pace (a message a second per channel, 20-100 calls a minute per tier) would measure Slack; lift it.
    limits: { channelIntervalMs: 0, tierPerMinute: { 2: 1_000_000, 3: 1_000_000, 4: 1_000_000 } },
  });
  channels.register(slack.channel);
  const handled = trackHandled(slack.app);
  const http = await buildHttpApp({ db, tickets, files, i18n, logger, clock, extraRoutes: [slack.route!] });
  const sender = new SlackSender(await http.listen({ port: 0, host: '127.0.0.1' }), SIGNING_SECRET, fake);
  await slack.start();
  try {
    const firstTickets: number[] = [];
    for (const [i, requester] of requesters.entries()) {
      for (let t = 0; t < workload.ticketsPerRequester; t += 1) {
        const ticket = await tickets.open(requester.actor, { description: `Printer ${i}-${t} jams\nTray ${t}`, department: 'it', source: 'slack' }, 'slack');
        await tickets.take(agents[(i * workload.ticketsPerRequester + t) % agents.length]!.actor, ticket.number, 'slack');
        if (t === 0) firstTickets.push(ticket.number);
      }
    }
    stopCollecting();
    for (const target of owed) await delivery.deliver(target);
    // The "taken" notice started each requester's DM thread of the ticket: the measured messages answer there.
    const threads = ticketThreads(models);
    const roots: ThreadRoot[] = [];
    for (const [i, requester] of requesters.entries()) {
      const root = await threads.dmThread(requester.user.id, firstTickets[i]!);
      if (!root) throw new Error(`no DM thread for ticket #${firstTickets[i]}`);
      roots.push(root);
    }

    // What each measured message sent, for Slack's retries of it.
    const sent: { event: object; eventId: string }[] = [];
    const message = (s: number, index: number | null): Request => {
      const event = sender.payloads.messageEvent(requesters[s]!.user, roots[s]!.channel, `Restarted it, still jammed (${index ?? 'warm-up'})`, { threadTs: roots[s]!.ts });
      return async () => {
        const response = await sender.event(event);
        if (index !== null) sent[index] = { event, eventId: response.eventId };
        return { status: response.status, key: response.eventId };
      };
    };
    const retry = (index: number): Request => async () => {
      const response = await sender.event(sent[index]!.event, { eventId: sent[index]!.eventId, retryNum: 1 });
      return { status: response.status, key: response.eventId };
    };
    const mine = (user: FakeSlackUser): Request => async () => {
      const response = await sender.command(user, '/helpdesk', 'mine');
      return { status: response.status, key: response.triggerId };
    };
    const replies = () => models.JournalEvent.countDocuments({ type: 'replied' });

    // Warm-up: connections, JIT, and the profile cache (users.info) of every sender.
    await measure(requesters.length, requesters.length, (s) => message(s, null), handled);
    await measure(agents.length, agents.length, (s) => mine(agents[s]!.user), handled);

    // Counted on one more request of each kind, outside the timings.
    const operations = {
      comment: await operationsOf(db, () => measure(1, 1, (s) => message(s, null), handled)),
      mine: await operationsOf(db, () => measure(1, 1, (s) => mine(agents[s]!.user), handled)),
    };

    const before = await replies();
    const comment = await measure(requesters.length, workload.events, (s, index) => message(s, index), handled);
    const commented = (await replies()) - before;
    if (commented !== workload.events) throw new Error(`${workload.events} messages became ${commented} comments`);

    const retried = await measure(requesters.length, workload.events, (_, index) => retry(index), handled);
    const retriedOperations = await operationsOf(db, () => measure(1, 1, () => retry(0), handled));
    const duplicates = (await replies()) - before - commented;
    if (duplicates !== 0) throw new Error(`${duplicates} retried events were handled again`);

    const responses = fake.allResponses.length;
    const listed = await measure(requesters.length, workload.events, (s) => mine(agents[s % agents.length]!.user), handled);
    const answered = fake.allResponses.length - responses;
    if (answered !== workload.events) throw new Error(`${workload.events} commands got ${answered} responses`);

    const state = {
      tickets: await models.Ticket.estimatedDocumentCount(),
      journal: await models.JournalEvent.estimatedDocumentCount(),
      kv: await models.KvEntry.estimatedDocumentCount(),
      warnings,
      operations: { ...operations, retried: retriedOperations },
    };
    return { comment, retried, listed, state };
  } finally {
    await slack.stop();
    await http.close();
    await fake.close();
  }
}

function row(label: string, timing: Timing | EventTiming, floor: Timing): string {
  const ack = 'ackMedianMs' in timing ? `${fixed(timing.ackMedianMs)} | ${fixed(timing.ackP95Ms)}` : '– | –';
  return `| ${label} | ${workload.events} | ${fixed(timing.seconds, 2)} | ${fixed(timing.perSecond)} | ${fixed(floor.perSecond / timing.perSecond, 2)}× | ${ack} |`;
}

/** Slack event throughput and acknowledgement latency beside the raw driver floor, in one run. */
export async function runSlackBenchmark(db: Database, server: string, file: string): Promise<void> {
  const floor = await rawDriverFloor(db, workload.events, workload.requesters);
  const { comment, retried, listed, state } = await slackEventThroughput(db);
  const tickets = workload.requesters * workload.ticketsPerRequester;
  const { operations } = state;
  const lines = [
    '## Slack events',
    '',
    `Per kind, ${workload.events} signed requests POSTed to the Slack app's \`/slack/events\` (Bolt mounted on the helpdesk's fastify server, 127.0.0.1) by ${workload.requesters} senders at once; each sends its next request when the app has finished the last, not merely acknowledged it (Bolt acknowledges an event before handling it). The Web API and \`response_url\` are a local fake. Slack's pace (a message a second per channel, 20-100 calls a minute per method tier) is lifted (\`channelIntervalMs: 0\`, a million calls a minute per tier), so this measures the helpdesk, not Slack. Setup: ${workload.requesters} requesters and ${workload.agents} agents, ${tickets} tickets opened and taken, their cards and the requesters' DM threads delivered through the app. The outbox's jobs do not run: each measured comment still stores its delivery job (a change returns only after that), but no job runs. Measured ${new Date().toISOString().slice(0, 10)}.`,
    '',
    '| path | events | seconds | events/s | slower than the raw driver floor | ack median ms | ack p95 ms |',
    '|---|---|---|---|---|---|---|',
    row("raw driver floor: what no event avoids (claim its event id under a unique index, find the sender's identity)", floor, floor),
    row("requester's message in their ticket's DM thread, a public comment (signature, dedupe claim, thread lookup, identify, policy, reply with its journal entry and delivery job)", comment, floor),
    row('the same events retried by Slack (same event_id, X-Slack-Retry-Num: 1): dropped at the dedupe claim', retried, floor),
    row("agent's `/helpdesk mine` (identify, a page of their open tickets and its count, ephemeral answer to response_url)", listed, floor),
    '',
    `Database operations per request, counted through mongoose on one more request of each kind: the floor makes 2; a comment ${operations.comment}, plus the insert of its delivery job; a retried event ${operations.retried}, the claim the unique index refuses, so it beats the floor; \`/helpdesk mine\` ${operations.mine}. On FerretDB every read scans its collection (see the Telegram section), and at the end of this run the database held ${state.tickets} tickets, ${state.journal} journal entries and ${state.kv} small state entries (event claims, DM threads): the rows fall as those grow. On MongoDB the same reads are index lookups.`,
    '',
    `Slack wants an answer within 3 s, else it sends the event again. The ack columns time each request from sending to its HTTP answer, ${workload.requesters} requests in flight, measured by the senders, which share the app's Node.js process. The app answers an event before handling it, and a slash command when its handler calls \`ack()\`, its first step, so the ack time mostly shows how busy that one process is: on the comment and command rows it mostly waits for the database; on the retried row it does nothing but HTTP, signatures and Bolt, and the acks queue behind one another.`,
    '',
    'Checked in the run: every message became a public comment in the journal, no retried event added one, and every `/helpdesk mine` got its response. The fake does not implement `reactions.add` (the ✅ the app puts on a comment it took): the call fails at once with `unknown_method`, which the app ignores by design.',
    '',
    'Machine:',
    machineDescription(server),
  ];
  if (state.warnings.length) console.warn(`${state.warnings.length} warnings or errors logged:\n${state.warnings.slice(0, 20).join('')}`);
  await writeSection(file, 'slack', lines.join('\n'));
  console.log(lines.join('\n'));
}
