import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createBackgroundJobs, type BackgroundJobs, type BackgroundJobsOptions } from '../../src/jobs/background-jobs.js';
import { retryDelay } from '../../src/jobs/outbox/dispatcher.js';
import { OUTBOX_SWEEP_JOB } from '../../src/jobs/outbox-sweep-job.js';
import { Breakers } from '../../src/notify/breaker.js';
import { ChannelRegistry } from '../../src/notify/channel.js';
import { createEventDelivery, DeliveryIncomplete } from '../../src/notify/deliver-event.js';
import { createTicketService, type TicketService } from '../../src/tickets/ticket-service.js';
import { useTestDatabase } from '../support/database.js';
import { seedDeliveryOrg, type DeliveryOrg } from '../support/delivery-org.js';
import { RecordingChannel } from '../support/recording-channel.js';

const db = useTestDatabase('outbox');
const logLines: string[] = [];
const logger = pino({ level: 'info' }, new Writable({ write: (chunk: Buffer, _e, done) => (logLines.push(chunk.toString()), done()) }));
const clock = () => new Date();
let org: DeliveryOrg;
const started: BackgroundJobs[] = [];

/** One helpdesk instance: its channel, its jobs, and a ticket service that enqueues into them. */
function instance(options: Partial<BackgroundJobsOptions> = {}) {
  const channel = new RecordingChannel();
  const channels = new ChannelRegistry(fastBreakers());
  channels.register(channel);
  const delivery = createEventDelivery({ models: db.current.models, channels, logger, locale: 'en', clock });
  const jobs = createBackgroundJobs({ db: db.current, delivery, logger, clock, processEveryMs: 100, deliveryRetry: { baseDelayMs: 20 }, ...options });
  started.push(jobs);
  const tickets = createTicketService({ models: db.current.models, clock, logger, timezone: 'UTC' });
  tickets.subscribe((event, ticket) => jobs.outbox.enqueue(event, ticket));
  return { channel, jobs, tickets };
}

/** A platform that fails opens its breaker for milliseconds here, not seconds. */
const fastBreakers = () => new Breakers({ failuresToOpen: 3, openMs: 10, maxOpenMs: 40 });
const entryOf = (eventId: { toHexString(): string }) => db.current.models.OutboxEntry.findById(eventId.toHexString()).lean();
const doneOf = (eventId: { toHexString(): string }) => db.current.models.OutboxDone.findById(eventId.toHexString()).lean();
const open = (tickets: TicketService, description: string) => tickets.open(org.requester, { description, department: 'it', source: 'telegram' }, 'telegram');

beforeAll(async () => {
  org = await seedDeliveryOrg(db.current);
});

// Instances share the database like several app servers: stop each test's before the next.
afterEach(async () => {
  for (const jobs of started.splice(0)) await jobs.stop();
});

describe('the notification outbox', () => {
  it('stores the delivery before the change returns, then delivers it', async () => {
    const { channel, jobs, tickets } = instance();
    await jobs.start();
    const ticket = await open(tickets, 'Durable before the answer');
    const [opened] = await tickets.journal(org.agent, ticket.number);
    expect(await entryOf(opened!._id)).toMatchObject({ ticketId: ticket._id, seq: 1 });
    await jobs.settle();
    expect(channel.cardsOf(ticket.number)).toHaveLength(1);
    expect(await doneOf(opened!._id)).toMatchObject({ ticketId: ticket._id, givenUp: [] });
    expect(await entryOf(opened!._id)).toBeNull();
  });

  it('retries a platform that stays down past several attempts, with backoff, and delivers once', async () => {
    const { channel, jobs, tickets } = instance();
    await jobs.start();
    const ticket = await open(tickets, 'Telegram is down');
    await jobs.settle();
    channel.failures = 6;
    await tickets.take(org.agent, ticket.number, 'api');
    await jobs.settle();
    expect(channel.failures).toBe(0);
    expect(channel.cardsOf(ticket.number)[0]![1].map((card) => card.lastEvent.type)).toEqual(['opened', 'taken']);
    expect(channel.directsOf(ticket.number, '111').map((d) => d.notice.event.type)).toEqual(['taken']);
  });

  it('gives up after the last attempt, says so in the log, and leaves the job on record', async () => {
    const { channel, jobs, tickets } = instance({ deliveryRetry: { baseDelayMs: 10, maxAttempts: 3 } });
    await jobs.start();
    channel.failures = 1000;
    const ticket = await open(tickets, 'Never reachable');
    await jobs.settle();
    channel.failures = 0;
    expect(channel.cardsOf(ticket.number)).toHaveLength(0);
    expect(logLines.some((line) => line.includes('delivery given up after every retry'))).toBe(true);
    const [opened] = await tickets.journal(org.agent, ticket.number);
    expect(await doneOf(opened!._id)).toMatchObject({ givenUp: ['telegram'], lastError: expect.stringMatching(/delivery incomplete/) as unknown });
  });

  it('waits at least what the platform asked for (retry_after), doubling up to the longest wait', () => {
    const policy = { baseDelayMs: 1000, maxDelayMs: 60_000, maxAttempts: 5 };
    const down = new DeliveryIncomplete([{ target: 'card', error: new Error('network') }]);
    expect([1, 2, 3, 4].map((attempt) => retryDelay(policy, attempt, down.retryAfterMs))).toEqual([1000, 2000, 4000, 8000]);
    const flood = Object.assign(new DeliveryIncomplete([]), { retryAfterMs: 30_000 });
    expect(retryDelay(policy, 1, flood.retryAfterMs)).toBe(30_000);
    expect(retryDelay({ ...policy, maxDelayMs: 5000 }, 20, null)).toBe(5000);
  });

  it('delivers, at the next start, an event journaled right before a crash, and only once', async () => {
    // The change was journaled, then the process died before it stored the delivery job.
    const crashed = createTicketService({ models: db.current.models, clock, logger, timezone: 'UTC' });
    const ticket = await open(crashed, 'Journaled, then the power went out');
    const first = instance();
    await first.jobs.start();
    await first.jobs.settle();
    expect(first.channel.cardsOf(ticket.number)).toHaveLength(1);
    expect(logLines.some((line) => line.includes('deliveries of events journaled before an unclean stop were queued'))).toBe(true);
    expect(await first.jobs.outbox.enqueueMissed(new Date(Date.now() - 3600_000))).toBe(0);
  });

  it('delivers, at the next regular sweep, a change whose job the database refused at the time', async () => {
    // This instance's clock runs two minutes ahead: the event has settled when the sweep looks.
    const ahead = () => new Date(Date.now() + 120_000);
    const channel = new RecordingChannel();
    const channels = new ChannelRegistry(fastBreakers());
    channels.register(channel);
    const delivery = createEventDelivery({ models: db.current.models, channels, logger, locale: 'en', clock: ahead });
    const jobs = createBackgroundJobs({ db: db.current, delivery, logger, clock: ahead, processEveryMs: 100, deliveryRetry: { baseDelayMs: 20 } });
    started.push(jobs);
    await jobs.start();
    const refused = createTicketService({ models: db.current.models, clock, logger, timezone: 'UTC' });
    refused.subscribe(() => Promise.reject(new Error('database unreachable for a moment')));
    const ticket = await open(refused, 'Opened while the job could not be stored');
    await jobs.scheduler.now(OUTBOX_SWEEP_JOB);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await jobs.settle();
    expect(channel.cardsOf(ticket.number)).toHaveLength(1);
    expect(logLines.some((line) => line.includes('deliveries of recent events were missing and are queued now'))).toBe(true);
  });

  it('keeps jobs stored while no instance runs them, and the next start delivers them', async () => {
    const stopped = instance();
    const ticket = await open(stopped.tickets, 'Opened while jobs were not running');
    expect(await stopped.jobs.outbox.unfinished()).toBeGreaterThan(0);
    const next = instance();
    await next.jobs.start();
    await next.jobs.settle();
    expect(next.channel.cardsOf(ticket.number)).toHaveLength(1);
    expect(stopped.channel.calls).toBe(0);
  });

  it('lets a running delivery finish at shutdown, and leaves the entry done, not held', async () => {
    const { channel, jobs, tickets } = instance();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const postCard = channel.postCard.bind(channel);
    channel.postCard = async (chatId, card) => {
      await gate;
      return postCard(chatId, card);
    };
    await jobs.start();
    const ticket = await open(tickets, 'Delivered during shutdown');
    await new Promise((resolve) => setTimeout(resolve, 200));
    let stopped = false;
    const stopping = jobs.stop().then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(channel.cardsOf(ticket.number)).toHaveLength(1);
    const [opened] = await tickets.journal(org.agent, ticket.number);
    expect(await doneOf(opened!._id)).toMatchObject({ givenUp: [] });
    expect(await entryOf(opened!._id)).toBeNull();
  });
});
