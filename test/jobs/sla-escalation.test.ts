import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { syncOrgConfig } from '../../src/config/sync-org-config.js';
import { parseOrgConfig } from '../../src/config/load-org-config.js';
import type { Ticket } from '../../src/db/models/ticket.js';
import { createBackgroundJobs, type BackgroundJobs } from '../../src/jobs/background-jobs.js';
import { SLA_STEP_JOB } from '../../src/jobs/sla-steps-job.js';
import { JOBS_COLLECTION } from '../../src/jobs/scheduler.js';
import { ChannelRegistry } from '../../src/notify/channel.js';
import { createEventDelivery } from '../../src/notify/deliver-event.js';
import { actorFromPerson, type Actor } from '../../src/people/actor.js';
import { createTicketService, type TicketService } from '../../src/tickets/ticket-service.js';
import { useTestDatabase } from '../support/database.js';
import { RecordingChannel } from '../support/recording-channel.js';

const db = useTestDatabase('sla_escalation');
const logger = pino({ level: process.env.TEST_LOG ?? 'silent' });
// The controlled clock: Date itself, so Agenda's idea of "due" agrees with the app's. It moves
// with real time (retries with backoff come due) and jumps when a test sets it; timers stay real.
const clock = () => new Date();
const msk = (local: string) => new Date(`${local}+03:00`);

const config = {
  timezone: 'Europe/Moscow',
  departments: [
    {
      id: 'it',
      name: { en: 'IT' },
      telegram: { chat: -100 },
      timezone: 'Europe/Moscow',
      hours: { mon: '09:00-18:00', tue: '09:00-18:00', wed: '09:00-18:00', thu: '09:00-18:00', fri: '09:00-18:00' },
      sla: {
        normal: { firstResponse: '1h', resolution: '4h' },
        urgent: { firstResponse: '30m', resolution: '2h', clock: '24/7' },
      },
      escalation: { remindAt: '80%', escalateAfter: '30m' },
      onDuty: ['duty@x.test'],
      stillWorkingAfter: null,
      digestAt: null,
    },
  ],
  people: [
    { name: 'Req', email: 'req@x.test', telegram: 111 },
    { name: 'Agent', email: 'agent@x.test', role: 'agent', departments: ['it'], telegram: 222 },
    { name: 'Coord', email: 'coord@x.test', role: 'coordinator', departments: ['it'], telegram: 333 },
    { name: 'Boss', email: 'boss@x.test', role: 'manager', telegram: 444 },
    { name: 'Duty', email: 'duty@x.test', role: 'agent', departments: ['it'], telegram: 555 },
  ],
};

let channel: RecordingChannel;
let jobs: BackgroundJobs;
let tickets: TicketService;
let requester: Actor;
let agent: Actor;

async function person(email: string): Promise<Actor> {
  return actorFromPerson((await db.current.models.Person.findOne({ email }).lean())!);
}

/** Journal events of a ticket of the given types, oldest first. */
async function events(number: number, ...types: string[]) {
  const all = await db.current.models.JournalEvent.find({ ticketNumber: number }).sort({ seq: 1 }).lean();
  return all.filter((event) => types.includes(event.type)).map((event) => `${event.type}:${typeof event.after.target === 'string' ? event.after.target : ''}`);
}

/** Waits (real time) until the condition holds; the jobs poll every 100 ms. */
async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = performance.now() + 30_000;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const ticketOf = (number: number) => db.current.models.Ticket.findOne({ number }).lean<Ticket>();
const minutes = (from: Date, to: Date | null) => Math.round((to!.getTime() - from.getTime()) / 60_000);
const directsTo = (userId: string, type: string) => channel.directs.filter((d) => d.userId === userId && d.notice.event.type === type);

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
  vi.setSystemTime(msk('2026-11-23T09:55:00'));
  await syncOrgConfig(db.current.models, parseOrgConfig(JSON.stringify(config), 'test'));
  channel = new RecordingChannel();
  const channels = new ChannelRegistry();
  channels.register(channel);
  tickets = createTicketService({ models: db.current.models, clock, logger, timezone: 'Europe/Moscow' });
  const delivery = createEventDelivery({ models: db.current.models, channels, logger, locale: 'en', clock });
  jobs = createBackgroundJobs({ db: db.current, delivery, logger, clock, processEveryMs: 100, lockLifetimeMs: 20 * 24 * 3600_000, deliveryRetry: { baseDelayMs: 20, maxDelayMs: 500 }, tickets, channels, locale: 'en' });
  tickets.subscribe((event, ticket) => jobs.outbox.enqueue(event, ticket));
  await jobs.start();
  requester = await person('req@x.test');
  agent = await person('agent@x.test');
});

afterEach(async () => {
  await settle();
});

/** The outbox's settle measures its timeout with Date, which jumps here. */
async function settle(): Promise<void> {
  await until(async () => (await jobs.outbox.unfinished()) === 0, 'deliveries to settle').catch(async (error: unknown) => {
    const stuck = await db.current.connection.collection(JOBS_COLLECTION).find({ name: 'deliver-event', $or: [{ nextRunAt: { $ne: null } }, { lockedAt: { $ne: null } }] }).toArray();
    console.error(new Date().toISOString(), JSON.stringify(stuck.map((job) => ({ data: job.data, nextRunAt: job.nextRunAt, lockedAt: job.lockedAt, failCount: job.failCount, failReason: job.failReason }))));
    throw error;
  });
}

afterAll(async () => {
  await jobs.stop();
  vi.useRealTimers();
});

describe('SLA escalations on real Agenda jobs', { timeout: 120_000 }, () => {
  it('reminds, marks the breach and escalates once each, then stops when the ticket is answered and resolved', async () => {
    vi.setSystemTime(msk('2026-11-23T10:00:00'));
    const ticket = await tickets.open(requester, { description: 'VPN is down', department: 'it', source: 'telegram' }, 'telegram');
    // 1 h and 4 h of working time from Monday 10:00; the reminder at 80% of the hour.
    expect(minutes(ticket.createdAt, ticket.sla.firstResponseDue)).toBe(60);
    expect(minutes(ticket.createdAt, ticket.sla.resolutionDue)).toBe(240);
    expect(minutes(ticket.createdAt, ticket.sla.nextStepAt)).toBe(48);

    vi.setSystemTime(msk('2026-11-23T10:49:00'));
    // Nobody took it: the reminder goes to the department's chat, answering the card.
    await until(async () => channel.chatNotices.length === 1, 'the reminder in the chat');
    await settle();
    expect(await events(ticket.number, 'sla_reminder')).toHaveLength(1);
    expect(channel.chatNotices[0]!.notice).toMatchObject({ cardMessageId: expect.stringMatching(/^-100\//) });

    vi.setSystemTime(msk('2026-11-23T11:01:00'));
    await until(async () => directsTo('333', 'sla_breached').length === 1, 'the breach');
    await settle();
    expect((await ticketOf(ticket.number))!.sla.firstResponseBreached).toBe(true);
    expect(await events(ticket.number, 'sla_breached')).toHaveLength(1);
    expect(directsTo('333', 'sla_breached')).toHaveLength(1);
    expect(directsTo('333', 'sla_breached')[0]!.notice.audience).toBe('coordinator');

    vi.setSystemTime(msk('2026-11-23T11:31:00'));
    await until(async () => directsTo('444', 'sla_escalated').length === 1, 'the escalation');
    await settle();
    expect(directsTo('444', 'sla_escalated')).toHaveLength(1);
    expect(directsTo('444', 'sla_escalated')[0]!.notice.audience).toBe('manager');

    // Taken and answered: the first-response steps are over; the resolution reminder is next.
    vi.setSystemTime(msk('2026-11-23T11:40:00'));
    await tickets.take(agent, ticket.number, 'telegram');
    const answered = await tickets.reply(agent, ticket.number, { text: 'Looking at it' }, 'telegram');
    expect(Math.round(answered.ticket.metrics.firstResponseBusinessSeconds! / 60)).toBe(100);
    expect(minutes(ticket.createdAt, answered.ticket.sla.nextStepAt)).toBe(192);
    const resolved = await tickets.changeStatus(agent, ticket.number, 'resolve', 'telegram');
    expect(resolved.ticket.sla.nextStepAt).toBeNull();
    expect(resolved.ticket.sla.resolutionBreached).toBe(false);
    // The ticket's SLA job is cancelled: nothing left to run.
    await until(
      async () => (await db.current.connection.collection(JOBS_COLLECTION).countDocuments({ name: SLA_STEP_JOB, 'data.ticketId': ticket._id.toHexString(), nextRunAt: { $ne: null } })) === 0,
      'the SLA job to be cancelled',
    );

    // Far past every target: nothing more happens.
    vi.setSystemTime(msk('2026-11-23T17:00:00'));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await events(ticket.number, 'sla_reminder', 'sla_breached', 'sla_escalated')).toEqual([
      'sla_reminder:firstResponse',
      'sla_breached:firstResponse',
      'sla_escalated:firstResponse',
    ]);
  });

  it('a reminder to the assignee, and no breach once the ticket is answered in time', async () => {
    vi.setSystemTime(msk('2026-11-24T10:00:00'));
    const ticket = await tickets.open(requester, { description: 'Printer jammed', department: 'it', source: 'telegram' }, 'telegram');
    await tickets.take(agent, ticket.number, 'telegram');
    vi.setSystemTime(msk('2026-11-24T10:50:00'));
    await until(async () => directsTo('222', 'sla_reminder').length === 1, 'the reminder to the assignee');
    await settle();
    const alertsBefore = channel.chatNotices.length;
    await tickets.reply(agent, ticket.number, { text: 'On my way' }, 'telegram');
    vi.setSystemTime(msk('2026-11-24T11:45:00'));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await events(ticket.number, 'sla_reminder', 'sla_breached', 'sla_escalated')).toEqual(['sla_reminder:firstResponse']);
    // Assigned: the reminder went to the assignee only, not to the chat.
    expect(channel.chatNotices.length).toBe(alertsBefore);
    // Done, so later jumps of the clock leave it alone.
    await tickets.changeStatus(agent, ticket.number, 'resolve', 'telegram');
  });

  it('pauses while waiting for the requester and moves the due dates by the working time of the pause', async () => {
    vi.setSystemTime(msk('2026-11-25T10:00:00'));
    const ticket = await tickets.open(requester, { description: 'New laptop', department: 'it', source: 'telegram' }, 'telegram');
    await tickets.take(agent, ticket.number, 'telegram');
    await tickets.reply(agent, ticket.number, { text: 'Which model?' }, 'telegram');
    const waiting = await tickets.changeStatus(agent, ticket.number, 'wait', 'telegram');
    expect(waiting.ticket.sla.nextStepAt).toBeNull();
    // The requester answers the next morning at 10:00: 9 working hours passed in the pause (8 + 1).
    vi.setSystemTime(msk('2026-11-26T10:00:00'));
    const resumed = await tickets.reply(requester, ticket.number, { text: 'The 14 inch one' }, 'telegram');
    expect(resumed.ticket.status).toBe('in_progress');
    expect(Math.round(resumed.ticket.sla.pausedBusinessSeconds / 60)).toBe(9 * 60);
    // 4 working hours from Wednesday 10:00 plus the 9 of the pause: Thursday 14:00.
    expect(Math.abs(resumed.ticket.sla.resolutionDue!.getTime() - msk('2026-11-26T14:00:00').getTime())).toBeLessThan(60_000);
    await tickets.changeStatus(agent, ticket.number, 'resolve', 'telegram');
  });

  it('alerts the on-duty people at once, by chat and e-mail channel, for an urgent ticket opened at night', async () => {
    vi.setSystemTime(msk('2026-11-27T23:30:00'));
    const ticket = await tickets.open(requester, { description: 'Server room flooded', department: 'it', source: 'telegram', priority: 'urgent' }, 'telegram');
    await until(async () => directsTo('555', 'on_duty_alerted').length === 1, 'the on-duty alert');
    await settle();
    expect(await events(ticket.number, 'on_duty_alerted')).toHaveLength(1);
    expect(directsTo('555', 'on_duty_alerted')[0]!.notice.audience).toBe('on_duty');
    // The urgent target runs on the 24/7 clock: 30 minutes, at night too.
    expect(minutes(ticket.createdAt, ticket.sla.firstResponseDue)).toBe(30);
  });
});
