import { invalidateDepartments } from '../../../src/db/department-cache.js';
import pino from 'pino';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { trusted } from '../../../src/db/connection.js';
import type { Ticket } from '../../../src/db/models/ticket.js';
import { systemActor } from '../../../src/people/system-actor.js';
import { runDueSchedules, type RunDueDeps } from '../../../src/tickets/recurring/run-due-schedules.js';
import { RUN_LEASE_MS } from '../../../src/tickets/recurring/run-claims.js';
import { createScheduleService } from '../../../src/tickets/recurring/schedule-service.js';
import { createTicketService, type TicketService } from '../../../src/tickets/ticket-service.js';
import { useTestDatabase } from '../../support/database.js';
import { seedOrg, type Org } from '../../support/fixtures.js';

const db = useTestDatabase('run_due_schedules');
const logger = pino({ level: 'silent' });
let org: Org;
let now = new Date('2026-03-02T08:00:00Z');
const clock = () => now;
const models = () => db.current.models;
const schedules = () => createScheduleService({ models: models(), clock });
const ticketService = () => createTicketService({ models: models(), clock, logger, timezone: 'UTC' });
const pass = (tickets: Pick<TicketService, 'open' | 'assign'> = ticketService()) => runDueSchedules({ models: models(), clock, logger, tickets } satisfies RunDueDeps);
const ticketsOf = (key: string) => models().Ticket.find({ scheduleRun: trusted({ $regex: `^${key}@` }) }).sort({ number: 1 }).lean<Ticket[]>();
const schedule = async (key: string) => (await models().Schedule.findOne({ key }).lean())!;

async function add(id: string, ticket: Record<string, unknown> = {}, timing: Record<string, unknown> = { cron: '0 9 * * *' }) {
  return schedules().add(org.manager.actor, { id, ...timing, timezone: 'UTC', ticket: { department: 'it', title: `Run of ${id}`, ...ticket } }, 'api');
}

beforeAll(async () => {
  org = await seedOrg(models());
});

// Each test watches its own schedules: the earlier ones stop, as if removed.
afterEach(async () => {
  await models().Schedule.updateMany({}, { $set: { removed: true } });
});

// The shared test server may be slow under load: a ticket takes a few round trips.
describe('running due schedules', { timeout: 120_000 }, () => {
  it('opens one ticket per run from the template, assigned, however many passes race for it', async () => {
    await add('daily-check', { category: 'hardware', priority: 'high', description: 'Look at the dashboards', assignee: 'itagent@example.test' });
    expect(await pass()).toMatchObject({ opened: 0 });
    now = new Date('2026-03-02T09:00:20Z');
    const results = await Promise.all([pass(), pass(ticketService()), pass(), pass(ticketService())]);
    expect(results.reduce((sum, result) => sum + result.opened, 0)).toBe(1);
    const [ticket, ...more] = await ticketsOf('daily-check');
    expect(more).toHaveLength(0);
    const system = await systemActor(models());
    expect(ticket).toMatchObject({
      title: 'Run of daily-check',
      description: 'Look at the dashboards',
      department: 'it',
      category: 'hardware',
      priority: 'high',
      source: 'schedule',
      scheduleRun: 'daily-check@2026-03-02T09:00:00.000Z',
      status: 'in_progress',
      assigneeName: org.itAgent.name,
    });
    expect(ticket!.requesterId.equals(system.id)).toBe(true);
    const journal = await models().JournalEvent.find({ ticketId: ticket!._id }).sort({ seq: 1 }).lean();
    expect(journal.map((event) => [event.type, event.via])).toEqual([['opened', 'schedule'], ['assigned', 'schedule']]);
    expect(await schedule('daily-check')).toMatchObject({ lastRunAt: new Date('2026-03-02T09:00:00Z'), nextRunAt: new Date('2026-03-03T09:00:00Z') });
    expect(await models().ScheduleRun.findOne({ scheduleKey: 'daily-check' }).lean()).toMatchObject({ state: 'opened', ticketNumber: ticket!.number });
    // Later passes of the same minute find nothing due.
    expect(await pass()).toEqual({ opened: 0, failed: 0, busy: 0, done: 0 });
  });

  it('opens the ticket for the requester of the template', async () => {
    await add('for-rita', { requester: 'requester@example.test' });
    now = new Date('2026-03-03T09:00:05Z');
    await pass();
    const [ticket] = await ticketsOf('for-rita');
    expect(ticket?.requester.name).toBe(org.requester.name);
    expect(ticket?.assigneeId).toBeNull();
  });

  it('takes over a run whose opener died before opening, once its lease has run out', async () => {
    await add('crash-before');
    now = new Date('2026-03-04T09:00:10Z');
    const runAt = new Date('2026-03-04T09:00:00Z');
    await models().ScheduleRun.create({ scheduleKey: 'crash-before', runAt, state: 'opening', leaseUntil: new Date(now.getTime() + RUN_LEASE_MS) });
    const busy = await pass();
    expect(busy.busy).toBeGreaterThanOrEqual(1);
    expect(await ticketsOf('crash-before')).toHaveLength(0);
    now = new Date(now.getTime() + RUN_LEASE_MS + 1000);
    await pass();
    expect((await ticketsOf('crash-before')).map((ticket) => ticket.scheduleRun)).toEqual(['crash-before@2026-03-04T09:00:00.000Z']);
    expect(await models().ScheduleRun.findOne({ scheduleKey: 'crash-before' }).lean()).toMatchObject({ state: 'opened', attempts: 2 });
  });

  it('does not open again a run whose opener died after opening, and finishes its assignment', async () => {
    await add('crash-after', { assignee: 'itagent2@example.test' });
    now = new Date('2026-03-05T09:00:03Z');
    const runAt = new Date('2026-03-05T09:00:00Z');
    const system = await systemActor(models());
    const opened = await ticketService().open(system, { title: 'Run of crash-after', description: '', department: 'it', source: 'schedule', scheduleRun: 'crash-after@2026-03-05T09:00:00.000Z' }, 'schedule');
    await models().ScheduleRun.create({ scheduleKey: 'crash-after', runAt, state: 'opening', leaseUntil: now });
    await pass();
    const tickets = await ticketsOf('crash-after');
    expect(tickets.map((ticket) => ticket.number)).toEqual([opened.number]);
    expect(tickets[0]).toMatchObject({ assigneeName: org.itAgent2.name });
    expect(await models().ScheduleRun.findOne({ scheduleKey: 'crash-after' }).lean()).toMatchObject({ state: 'opened', ticketNumber: opened.number });
    expect((await schedule('crash-after')).nextRunAt).toEqual(new Date('2026-03-06T09:00:00Z'));
  });

  it('records and skips a run the ticket service refuses (its department closed)', async () => {
    await add('closed-dept', {}, { every: '1h' });
    await models().Department.updateOne({ key: 'it' }, { $set: { active: false } });
    invalidateDepartments(models());
    now = new Date(now.getTime() + 3600_000);
    const result = await pass();
    await models().Department.updateOne({ key: 'it' }, { $set: { active: true } });
    invalidateDepartments(models());
    expect(result.failed).toBe(1);
    expect(await ticketsOf('closed-dept')).toHaveLength(0);
    expect(await models().ScheduleRun.findOne({ scheduleKey: 'closed-dept' }).lean()).toMatchObject({ state: 'failed', error: expect.stringContaining('unknown department it') });
    expect((await schedule('closed-dept')).nextRunAt!.getTime()).toBeGreaterThan(now.getTime());
  });

  it('leaves a run that failed for a passing reason to the next pass, which opens it once', async () => {
    await add('flaky', {}, { every: '1h' });
    now = new Date(now.getTime() + 3600_000);
    const real = ticketService();
    const down = { open: () => Promise.reject(new Error('connection reset')), assign: real.assign };
    await pass(down);
    const planned = (await schedule('flaky')).nextRunAt!;
    expect(planned.getTime()).toBeLessThanOrEqual(now.getTime());
    expect(await models().ScheduleRun.findOne({ scheduleKey: 'flaky' }).lean()).toMatchObject({ state: 'opening', error: 'connection reset' });
    await pass(real);
    expect(await ticketsOf('flaky')).toHaveLength(1);
    expect((await schedule('flaky')).nextRunAt!.getTime()).toBeGreaterThan(now.getTime());
  });

  it('opens nothing for paused or removed schedules', async () => {
    await add('paused-one', {}, { every: '30m' });
    await add('removed-one', {}, { every: '30m' });
    await schedules().pause(org.manager.actor, 'paused-one');
    await schedules().remove(org.manager.actor, 'removed-one');
    now = new Date(now.getTime() + 24 * 3600_000);
    await pass();
    expect(await ticketsOf('paused-one')).toHaveLength(0);
    expect(await ticketsOf('removed-one')).toHaveLength(0);
  });
});
