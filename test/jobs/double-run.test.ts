import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseOrgConfig } from '../../src/config/load-org-config.js';
import { syncOrgConfig } from '../../src/config/sync-org-config.js';
import type { JournalEventType } from '../../src/db/models/journal-event.js';
import { createBackgroundJobs, type BackgroundJobs } from '../../src/jobs/background-jobs.js';
import { AUTO_CLOSE_JOB, DAILY_DIGEST_JOB, STILL_WORKING_JOB } from '../../src/jobs/housekeeping-steps.js';
import { HOUSEKEEPING_JOB } from '../../src/jobs/housekeeping-job.js';
import { OUTBOX_SWEEP_JOB } from '../../src/jobs/outbox-sweep-job.js';
import { SLA_SWEEP_JOB } from '../../src/jobs/sla-steps-job.js';
import { ChannelRegistry } from '../../src/notify/channel.js';
import { createEventDelivery } from '../../src/notify/deliver-event.js';
import { actorFromPerson, type Actor } from '../../src/people/actor.js';
import { createTicketService, type TicketService } from '../../src/tickets/ticket-service.js';
import { useTestDatabase } from '../support/database.js';
import { RecordingChannel } from '../support/recording-channel.js';

/*
 * FerretDB's findAndModify is not atomic, so Agenda may hand one job to two instances (and
 * MongoDB runs a job twice when a lock expires under a slow run): every job kind must do its
 * work once however many times it runs at once. Two instances here, like two app servers on
 * one database, run each job kind at the same moment, twice each, and what reached people and
 * the journal is counted. (Scheduled reports and recurring tickets have tests of their own
 * with several instances: test/jobs/scheduled-reports.test.ts, test/jobs/recurring-tickets.test.ts;
 * outbox deliveries taken over by another instance: test/jobs/crash-recovery.test.ts.)
 */
const db = useTestDatabase('double_run');
const logger = pino({ level: 'silent' });
let now = new Date('2026-11-23T08:00:00Z');
const clock = () => now;
const at = (iso: string) => (now = new Date(iso));
const DAY = 24 * 3600_000;

const config = {
  timezone: 'UTC',
  departments: [
    {
      id: 'it',
      name: { en: 'IT' },
      telegram: { chat: -100 },
      hours: '24/7',
      sla: { normal: { firstResponse: '4h', resolution: '2d' } },
      escalation: { remindAt: '80%', escalateAfter: '30m' },
      autoCloseDays: 3,
      stillWorkingAfter: '1d',
      digestAt: '09:00',
    },
  ],
  people: [
    { name: 'Req', email: 'req@x.test', telegram: 111 },
    { name: 'Agent', email: 'agent@x.test', role: 'agent', departments: ['it'], telegram: 222 },
    { name: 'Coord', email: 'coord@x.test', role: 'coordinator', departments: ['it'], telegram: 333 },
  ],
};

interface Instance {
  channel: RecordingChannel;
  jobs: BackgroundJobs;
}
let instances: Instance[] = [];
let tickets: TicketService;
let requester: Actor;
let agent: Actor;

function startInstance(): Instance {
  const channel = new RecordingChannel();
  const channels = new ChannelRegistry();
  channels.register(channel);
  const delivery = createEventDelivery({ models: db.current.models, channels, logger, locale: 'en', clock });
  const jobs = createBackgroundJobs({ db: db.current, delivery, logger, clock, processEveryMs: 100, tickets, channels, locale: 'en' });
  return { channel, jobs };
}

/** Runs `name` on every instance at the same moment, twice each, and waits for all of it. */
async function runEverywhereAtOnce(name: string): Promise<void> {
  const runs = instances.flatMap(({ jobs }) =>
    [1, 2].map(async () => {
      let id = '';
      // Either instance may take the job, whichever asked for it.
      const done = new Promise<void>((resolve) => {
        const listener = (job: { attrs: { _id?: unknown } }) => {
          if (String(job.attrs._id) !== id) return;
          for (const other of instances) other.jobs.scheduler.off(`complete:${name}`, listener);
          resolve();
        };
        for (const other of instances) other.jobs.scheduler.on(`complete:${name}`, listener);
      });
      id = String((await jobs.scheduler.now(name)).attrs._id);
      await done;
    }),
  );
  await Promise.all(runs);
  for (const { jobs } of instances) await jobs.settle(20_000);
}

const directs = (userId: string, type: string) => instances.flatMap(({ channel }) => channel.directs.filter((d) => d.userId === userId && d.notice.event.type === type));
const eventsOf = async (number: number, type: JournalEventType) => db.current.models.JournalEvent.countDocuments({ ticketNumber: number, type });

beforeAll(async () => {
  await syncOrgConfig(db.current.models, parseOrgConfig(JSON.stringify(config), 'test'));
  tickets = createTicketService({ models: db.current.models, clock, logger, timezone: 'UTC' });
  instances = [startInstance(), startInstance()];
  // A change is enqueued by the instance that made it (the first here); both deliver.
  tickets.subscribe((event, ticket) => instances[0]!.jobs.outbox.enqueue(event, ticket));
  for (const { jobs } of instances) await jobs.start();
  requester = actorFromPerson((await db.current.models.Person.findOne({ email: 'req@x.test' }).lean())!);
  agent = actorFromPerson((await db.current.models.Person.findOne({ email: 'agent@x.test' }).lean())!);
});

afterAll(async () => {
  for (const { jobs } of instances) await jobs.stop();
});

describe('every job kind run twice at once on two instances', { timeout: 120_000 }, () => {
  it('auto close: one close, one notice', async () => {
    at('2026-11-23T08:00:00Z');
    const ticket = await tickets.open(requester, { description: 'Keyboard', department: 'it', source: 'telegram' }, 'telegram');
    await tickets.take(agent, ticket.number, 'telegram');
    await tickets.changeStatus(agent, ticket.number, 'resolve', 'telegram');
    at(new Date(now.getTime() + 3 * DAY + 60_000).toISOString());
    await runEverywhereAtOnce(AUTO_CLOSE_JOB);
    const closes = await db.current.models.JournalEvent.find({ ticketNumber: ticket.number, type: 'status_changed', 'after.status': 'closed' }).lean();
    expect(closes).toHaveLength(1);
    expect(directs('111', 'status_changed').filter((d) => d.notice.event._id.equals(closes[0]!._id))).toHaveLength(1);
  });

  it('still working: one notice a day', async () => {
    at('2026-12-01T08:00:00Z');
    const ticket = await tickets.open(requester, { description: 'New chair', department: 'it', source: 'telegram' }, 'telegram');
    await tickets.take(agent, ticket.number, 'telegram');
    await tickets.reply(agent, ticket.number, { text: 'Ordered' }, 'telegram');
    at('2026-12-02T09:00:00Z');
    await runEverywhereAtOnce(STILL_WORKING_JOB);
    expect(await eventsOf(ticket.number, 'still_working')).toBe(1);
    expect(directs('111', 'still_working').filter((d) => d.notice.ticket.number === ticket.number)).toHaveLength(1);
  });

  it('daily digest: one per department and day', async () => {
    at('2026-12-10T09:05:00Z');
    await runEverywhereAtOnce(DAILY_DIGEST_JOB);
    const digests = instances.flatMap(({ channel }) => channel.chatNotices.filter((n) => n.notice.kind === 'digest'));
    expect(digests).toHaveLength(1);
  });

  it('SLA sweep: one reminder, one breach, one escalation', async () => {
    at('2026-12-14T08:00:00Z');
    const ticket = await tickets.open(requester, { description: 'VPN is down', department: 'it', source: 'telegram' }, 'telegram');
    for (const step of ['2026-12-14T11:15:00Z', '2026-12-14T12:01:00Z', '2026-12-14T12:32:00Z']) {
      at(step);
      await runEverywhereAtOnce(SLA_SWEEP_JOB);
    }
    expect(await eventsOf(ticket.number, 'sla_reminder')).toBe(1);
    expect(await eventsOf(ticket.number, 'sla_breached')).toBe(1);
    expect(await eventsOf(ticket.number, 'sla_escalated')).toBe(1);
    expect(directs('333', 'sla_breached').filter((d) => d.notice.ticket.number === ticket.number)).toHaveLength(1);
  });

  it('outbox sweep and housekeeping: what they deliver, once', async () => {
    at('2026-12-20T08:00:00Z');
    const ticket = await tickets.open(requester, { description: 'Monitor flickers', department: 'it', source: 'telegram' }, 'telegram');
    await tickets.take(agent, ticket.number, 'telegram');
    await runEverywhereAtOnce(OUTBOX_SWEEP_JOB);
    await runEverywhereAtOnce(HOUSEKEEPING_JOB);
    const cards = instances.flatMap(({ channel }) => channel.cardsOf(ticket.number));
    expect(cards).toHaveLength(1);
    expect(directs('111', 'taken').filter((d) => d.notice.ticket.number === ticket.number)).toHaveLength(1);
  });
});
