import { invalidateDepartments } from '../../src/db/department-cache.js';
import pino from 'pino';
import type { Agenda } from 'agenda';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, trusted, type Database } from '../../src/db/connection.js';
import type { Ticket } from '../../src/db/models/ticket.js';
import { createBackgroundJobs } from '../../src/jobs/background-jobs.js';
import { defineRecurringTicketsJob, RECURRING_TICKETS_EVERY, RECURRING_TICKETS_JOB } from '../../src/jobs/recurring-tickets-job.js';
import { createScheduler, JOBS_COLLECTION } from '../../src/jobs/scheduler.js';
import { ChannelRegistry } from '../../src/notify/channel.js';
import { createEventDelivery } from '../../src/notify/deliver-event.js';
import { actorFromPerson } from '../../src/people/actor.js';
import { createScheduleService } from '../../src/tickets/recurring/schedule-service.js';
import { createTicketService } from '../../src/tickets/ticket-service.js';
import { useTestDatabase } from '../support/database.js';
import { seedOrg, type Org } from '../support/fixtures.js';

/*
 * The controlled clock: every instance reads `now` from the injected Clock, which the test
 * moves. Agenda keeps the real Date and only gives the beat (a short interval here, a minute
 * in the app); what is due is decided by the clock. Faking the global Date instead would also
 * move Agenda's lock expiry and the driver's timers, so a jump of hours would make locks look
 * stale and hand running jobs over between instances.
 */
const db = useTestDatabase('recurring_tickets');
const appDb = useTestDatabase('recurring_app');
const logger = pino({ level: 'silent' });
let now = new Date('2026-03-02T08:59:30Z');
const clock = () => now;
let org: Org;

interface Instance {
  connection: Database;
  scheduler: Agenda;
  ticks: number;
}
const running: Instance[] = [];
const ticks = () => running.reduce((sum, instance) => sum + instance.ticks, 0);

/** One app instance: its own connection, ticket service and Agenda, ticking every 150 ms. */
async function startInstance(): Promise<Instance> {
  const connection = await connectDatabase(db.uri);
  const tickets = createTicketService({ models: connection.models, clock, logger, timezone: 'UTC' });
  const scheduler = createScheduler({ db: connection, logger, processEveryMs: 50 });
  defineRecurringTicketsJob(scheduler, { models: connection.models, tickets, clock, logger });
  const instance: Instance = { connection, scheduler, ticks: 0 };
  scheduler.on(`complete:${RECURRING_TICKETS_JOB}`, () => (instance.ticks += 1));
  await scheduler.every(150, RECURRING_TICKETS_JOB);
  await scheduler.start();
  running.push(instance);
  return instance;
}

/** What the test reads of Agenda's job processor (not public API): the jobs it is running. */
interface JobProcessor {
  runningJobs: unknown[];
}

/**
 * A clean stop. Agenda offers stop() (unlocks the jobs it had locked without starting them,
 * but does not wait for running ones) and drain() (waits, but leaves those locks for the other
 * instances to wait out). So: stop, then wait for the processor's running jobs, which include
 * one whose start is still being saved. Closing the connection under it would leave its lock.
 */
async function stopInstance(instance: Instance): Promise<void> {
  running.splice(running.indexOf(instance), 1);
  const processor = (instance.scheduler as unknown as { jobProcessor?: JobProcessor }).jobProcessor;
  await instance.scheduler.stop(false);
  await waitFor('the running pass to finish', async () => (processor?.runningJobs.length ?? 0) === 0);
  await instance.connection.close();
}

async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 90_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Lets the instances tick `count` more times, whoever of them gets the job. */
async function letTick(count: number): Promise<void> {
  const target = ticks() + count;
  await waitFor(`${count} more ticks`, async () => ticks() >= target);
}

const models = () => db.current.models;
const ticketsOf = (key: string) => models().Ticket.find({ scheduleRun: trusted({ $regex: `^${key}@` }) }).sort({ number: 1 }).lean<Ticket[]>();
const planned = async (key: string) => (await models().Schedule.findOne({ key }).lean())!.nextRunAt;

beforeAll(async () => {
  org = await seedOrg(models());
  await createScheduleService({ models: models(), clock }).add(
    org.manager.actor,
    { id: 'quarterly', cron: '*/15 * * * *', timezone: 'UTC', ticket: { department: 'it', title: 'Look at the queue', assignee: 'itagent@example.test' } },
    'api',
  );
});

afterEach(async () => {
  for (const instance of [...running]) await stopInstance(instance);
});

afterAll(async () => {
  for (const instance of [...running]) await stopInstance(instance);
});

// The shared test server may be slow under load: each run is a few dozen round trips.
describe('recurring tickets on Agenda', { timeout: 240_000 }, () => {
  it('recurring runs with two app instances produce one ticket per run', async () => {
    await Promise.all([startInstance(), startInstance()]);
    await letTick(3);
    expect(await ticketsOf('quarterly')).toHaveLength(0);
    const runs = ['2026-03-02T09:00:00.000Z', '2026-03-02T09:15:00.000Z', '2026-03-02T09:30:00.000Z'];
    for (const [index, run] of runs.entries()) {
      now = new Date(new Date(run).getTime() + 5_000);
      await waitFor(`the ticket of ${run}`, async () => (await models().Ticket.exists({ scheduleRun: `quarterly@${run}` })) !== null);
      await waitFor('the next run planned', async () => (await planned('quarterly'))!.getTime() > now.getTime());
      await letTick(4);
      const tickets = await ticketsOf('quarterly');
      expect(tickets.map((ticket) => ticket.scheduleRun)).toEqual(runs.slice(0, index + 1).map((at) => `quarterly@${at}`));
    }
    const tickets = await ticketsOf('quarterly');
    expect(tickets.every((ticket) => ticket.source === 'schedule' && ticket.assigneeName === org.itAgent.name)).toBe(true);
    expect(await models().ScheduleRun.countDocuments({ scheduleKey: 'quarterly', state: 'opened' })).toBe(3);
  });

  it('makes up a run missed while the app was down once, and a restart duplicates nothing', async () => {
    const before = (await ticketsOf('quarterly')).length;
    const missed = (await planned('quarterly'))!;
    expect(missed.toISOString()).toBe('2026-03-02T09:45:00.000Z');
    // Down from 09:30 to 12:40: twelve runs passed.
    now = new Date('2026-03-02T12:40:00Z');
    await Promise.all([startInstance(), startInstance()]);
    await waitFor('the made-up run', async () => (await ticketsOf('quarterly')).length > before);
    await waitFor('the next run after now', async () => (await planned('quarterly'))!.toISOString() === '2026-03-02T12:45:00.000Z');
    await letTick(4);
    const afterDowntime = await ticketsOf('quarterly');
    expect(afterDowntime.slice(before).map((ticket) => ticket.scheduleRun)).toEqual(['quarterly@2026-03-02T09:45:00.000Z']);

    // A restart of one instance, then of the other, at the same moment: nothing new is due.
    await stopInstance(running[0]!);
    await startInstance();
    await stopInstance(running[0]!);
    await startInstance();
    await letTick(4);
    expect(await ticketsOf('quarterly')).toHaveLength(before + 1);
    now = new Date('2026-03-02T12:45:02Z');
    await waitFor('the 12:45 run', async () => (await ticketsOf('quarterly')).length === before + 2);
    await letTick(4);
    expect((await ticketsOf('quarterly')).map((ticket) => ticket.scheduleRun).slice(before)).toEqual(['quarterly@2026-03-02T09:45:00.000Z', 'quarterly@2026-03-02T12:45:00.000Z']);
  });

  it('a paused schedule opens nothing, and resumes from the next occurrence', async () => {
    const service = createScheduleService({ models: models(), clock });
    const before = (await ticketsOf('quarterly')).length;
    await service.pause(org.manager.actor, 'quarterly');
    await Promise.all([startInstance(), startInstance()]);
    now = new Date('2026-03-02T14:00:05Z');
    await letTick(6);
    expect(await ticketsOf('quarterly')).toHaveLength(before);
    const resumed = await service.resume(org.manager.actor, 'quarterly');
    expect(resumed.nextRunAt?.toISOString()).toBe('2026-03-02T14:15:00.000Z');
    await letTick(4);
    expect(await ticketsOf('quarterly')).toHaveLength(before);
    now = new Date('2026-03-02T14:15:01Z');
    await waitFor('the 14:15 run', async () => (await ticketsOf('quarterly')).length === before + 1);
  });

  it('runs in the app through the background jobs, every minute, first at start', async () => {
    // A database of its own: the app's other jobs (outbox sweep, SLA) have nothing else to chew on there.
    const { models: app } = appDb.current;
    await app.Department.create({ key: 'ops', name: { en: 'Operations' } });
    invalidateDepartments(app);
    const boss = await app.Person.create({ name: 'Olga Boss', email: 'olga@example.test', role: 'manager', origin: 'config' });
    now = new Date('2026-03-02T14:29:00Z');
    await createScheduleService({ models: app, clock }).add(actorFromPerson(boss.toObject()), { id: 'app-check', cron: '30 14 * * *', timezone: 'UTC', ticket: { department: 'ops', title: 'Daily check' } }, 'api');
    now = new Date('2026-03-02T14:30:03Z');
    const tickets = createTicketService({ models: app, clock, logger, timezone: 'UTC' });
    const delivery = createEventDelivery({ models: app, channels: new ChannelRegistry(), logger, locale: 'en', clock });
    const jobs = createBackgroundJobs({ db: appDb.current, delivery, logger, clock, processEveryMs: 50, tickets });
    try {
      await jobs.start();
      await waitFor('the 14:30 run', async () => (await app.Ticket.exists({ scheduleRun: 'app-check@2026-03-02T14:30:00.000Z' })) !== null);
      const job = await appDb.current.connection.collection(JOBS_COLLECTION).findOne({ name: RECURRING_TICKETS_JOB });
      expect(job?.repeatInterval).toBe(RECURRING_TICKETS_EVERY);
    } finally {
      await jobs.stop();
    }
  });
});
