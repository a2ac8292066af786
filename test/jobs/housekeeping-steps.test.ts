import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseOrgConfig } from '../../src/config/load-org-config.js';
import { syncOrgConfig } from '../../src/config/sync-org-config.js';
import type { JournalEvent, JournalEventType } from '../../src/db/models/journal-event.js';
import { createBackgroundJobs, type BackgroundJobs } from '../../src/jobs/background-jobs.js';
import { AUTO_CLOSE_JOB, DAILY_DIGEST_JOB, STILL_WORKING_JOB } from '../../src/jobs/housekeeping-steps.js';
import { ChannelRegistry } from '../../src/notify/channel.js';
import { createEventDelivery } from '../../src/notify/deliver-event.js';
import { actorFromPerson, type Actor } from '../../src/people/actor.js';
import { createTicketService, type TicketService } from '../../src/tickets/ticket-service.js';
import { useTestDatabase } from '../support/database.js';
import { RecordingChannel } from '../support/recording-channel.js';

const db = useTestDatabase('housekeeping_steps');
const logger = pino({ level: 'silent' });
// The app's clock is set by the tests; Agenda runs `now` jobs at once in real time.
let now = new Date('2026-11-23T08:00:00Z');
const clock = () => now;
const at = (iso: string) => (now = new Date(iso));
const DAY = 24 * 3600_000;

let channel: RecordingChannel;
let jobs: BackgroundJobs;
let tickets: TicketService;
let requester: Actor;
let agent: Actor;

const config = {
  timezone: 'UTC',
  departments: [
    {
      id: 'it',
      name: { en: 'IT' },
      telegram: { chat: -100 },
      hours: '24/7',
      sla: { normal: { firstResponse: '4h', resolution: '1d' } },
      autoCloseDays: 3,
      stillWorkingAfter: '1d',
      digestAt: '09:00',
    },
  ],
  people: [
    { name: 'Req', email: 'req@x.test', telegram: 111 },
    { name: 'Agent', email: 'agent@x.test', role: 'agent', departments: ['it'], telegram: 222 },
  ],
};

/** Runs one job now and waits for its effects to be delivered. */
async function run(name: string): Promise<void> {
  let id = '';
  const done = new Promise<void>((resolve) => {
    const listener = (job: { attrs: { _id?: unknown } }) => {
      if (String(job.attrs._id) !== id) return;
      jobs.scheduler.off(`complete:${name}`, listener);
      resolve();
    };
    jobs.scheduler.on(`complete:${name}`, listener);
  });
  id = String((await jobs.scheduler.now(name)).attrs._id);
  await done;
  await jobs.settle(20_000);
}

const eventsOf = async (number: number, type: JournalEventType) =>
  db.current.models.JournalEvent.find({ ticketNumber: number, type }).sort({ seq: 1 }).lean<JournalEvent[]>();

beforeAll(async () => {
  await syncOrgConfig(db.current.models, parseOrgConfig(JSON.stringify(config), 'test'));
  channel = new RecordingChannel();
  const channels = new ChannelRegistry();
  channels.register(channel);
  tickets = createTicketService({ models: db.current.models, clock, logger, timezone: 'UTC' });
  const delivery = createEventDelivery({ models: db.current.models, channels, logger, locale: 'en', clock });
  jobs = createBackgroundJobs({ db: db.current, delivery, logger, clock, processEveryMs: 100, tickets, channels, locale: 'en' });
  tickets.subscribe((event, ticket) => jobs.outbox.enqueue(event, ticket));
  await jobs.start();
  requester = actorFromPerson((await db.current.models.Person.findOne({ email: 'req@x.test' }).lean())!);
  agent = actorFromPerson((await db.current.models.Person.findOne({ email: 'agent@x.test' }).lean())!);
});

afterAll(async () => {
  await jobs.stop();
});

describe('queue housekeeping jobs', { timeout: 90_000 }, () => {
  it('closes a resolved ticket after the department\'s days without a reply, once, and tells the requester', async () => {
    at('2026-11-23T08:00:00Z');
    const ticket = await tickets.open(requester, { description: 'Keyboard', department: 'it', source: 'telegram' }, 'telegram');
    await tickets.take(agent, ticket.number, 'telegram');
    await tickets.changeStatus(agent, ticket.number, 'resolve', 'telegram');
    at(new Date(now.getTime() + 2 * DAY).toISOString());
    await run(AUTO_CLOSE_JOB);
    expect((await db.current.models.Ticket.findOne({ number: ticket.number }).lean())!.status).toBe('resolved');
    at(new Date(now.getTime() + DAY + 60_000).toISOString());
    await run(AUTO_CLOSE_JOB);
    await run(AUTO_CLOSE_JOB);
    const closes = (await eventsOf(ticket.number, 'status_changed')).filter((event) => event.after.status === 'closed');
    expect(closes).toHaveLength(1);
    expect(closes[0]!.after).toMatchObject({ auto: true, days: 3 });
    expect(closes[0]!.actorName).toBe('Helpdesk');
    expect(channel.directs.filter((d) => d.userId === '111' && d.notice.event._id.equals(closes[0]!._id))).toHaveLength(1);
  });

  it('tells a requester waiting a day on the team that the ticket is still being worked on, once a day', async () => {
    at('2026-12-01T08:00:00Z');
    const ticket = await tickets.open(requester, { description: 'New chair', department: 'it', source: 'telegram' }, 'telegram');
    await tickets.take(agent, ticket.number, 'telegram');
    at('2026-12-02T07:00:00Z');
    await run(STILL_WORKING_JOB);
    expect(await eventsOf(ticket.number, 'still_working')).toHaveLength(0);
    at('2026-12-02T09:00:00Z');
    await run(STILL_WORKING_JOB);
    await run(STILL_WORKING_JOB);
    expect(await eventsOf(ticket.number, 'still_working')).toHaveLength(1);
    expect(channel.directs.filter((d) => d.userId === '111' && d.notice.event.type === 'still_working' && d.notice.ticket.number === ticket.number)).toHaveLength(1);
    // An answer from the team resets the timer.
    await tickets.reply(agent, ticket.number, { text: 'Ordered' }, 'telegram');
    at('2026-12-03T08:30:00Z');
    await run(STILL_WORKING_JOB);
    expect(await eventsOf(ticket.number, 'still_working')).toHaveLength(1);
    at('2026-12-03T09:01:00Z');
    await run(STILL_WORKING_JOB);
    expect(await eventsOf(ticket.number, 'still_working')).toHaveLength(2);
  });

  it('posts the daily digest in the department chat once a day, after its time', async () => {
    at('2026-12-10T08:00:00Z');
    await tickets.open(requester, { description: 'Unassigned one', department: 'it', source: 'telegram' }, 'telegram');
    const digests = () => channel.chatNotices.filter((n) => n.notice.kind === 'digest');
    await run(DAILY_DIGEST_JOB);
    expect(digests()).toHaveLength(0);
    at('2026-12-10T09:05:00Z');
    await run(DAILY_DIGEST_JOB);
    await run(DAILY_DIGEST_JOB);
    expect(digests()).toHaveLength(1);
    const [digest] = digests();
    expect(digest!.chatId).toBe('-100');
    expect(digest!.notice).toMatchObject({ kind: 'digest', date: '2026-12-10', departmentName: 'IT' });
    const counts = (digest!.notice as { counts: { open: number; unassigned: number; overdue: number; dueToday: number } }).counts;
    const open = await db.current.connection.collection('tickets').countDocuments({ status: { $in: ['new', 'in_progress', 'waiting'] } });
    expect(counts.open).toBe(open);
    expect(counts.unassigned).toBe(1);
    // The first-response target of 4 h: the 08:00 ticket is not overdue at 09:05; older open ones are.
    expect(counts.overdue).toBe(open - 1);
    at('2026-12-11T09:05:00Z');
    await run(DAILY_DIGEST_JOB);
    expect(digests()).toHaveLength(2);
  });
});
