import { invalidateDepartments } from '../../../src/db/department-cache.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { trusted } from '../../../src/db/connection.js';
import { HelpdeskError } from '../../../src/errors.js';
import { createScheduleService } from '../../../src/tickets/recurring/schedule-service.js';
import { useTestDatabase } from '../../support/database.js';
import { seedOrg, type Org } from '../../support/fixtures.js';

const db = useTestDatabase('schedule_service');
let org: Org;
let now = new Date('2026-03-04T12:00:00Z');
const clock = () => now;
const service = () => createScheduleService({ models: db.current.models, clock });

const weekly = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  cron: '0 9 * * mon',
  ticket: { department: 'it', category: 'hardware', title: 'Check the backups', priority: 'high', assignee: 'itagent@example.test' },
  ...extra,
});

async function refusal(promise: Promise<unknown>): Promise<HelpdeskError> {
  const error = await promise.then(() => null, (failure: unknown) => failure);
  if (!(error instanceof HelpdeskError)) throw new Error(`expected a HelpdeskError, got ${String(error)}`);
  return error;
}

beforeAll(async () => {
  org = await seedOrg(db.current.models);
  await db.current.models.Department.updateOne({ key: 'it' }, { $set: { settings: { timezone: 'Europe/Moscow' } } });
  invalidateDepartments(db.current.models);
});

describe('the schedule service', () => {
  it('adds a schedule for managers, in the department time zone, first run at the next occurrence', async () => {
    const schedule = await service().add(org.manager.actor, weekly('backups'), 'chat');
    expect(schedule).toMatchObject({
      key: 'backups',
      origin: 'chat',
      cron: '0 9 * * mon',
      everyMinutes: null,
      timezone: 'Europe/Moscow',
      paused: false,
      removed: false,
      template: { department: 'it', category: 'hardware', title: 'Check the backups', description: '', priority: 'high', assignee: 'itagent@example.test', requester: null },
    });
    expect(schedule.nextRunAt?.toISOString()).toBe('2026-03-09T06:00:00.000Z');
    expect(schedule.createdBy?.equals(org.manager.actor.id)).toBe(true);
    const interval = await service().add(org.admin.actor, { id: 'coffee', every: '4h', timezone: 'UTC', paused: true, ticket: { department: 'facilities', title: 'Coffee machine' } }, 'api');
    expect(interval).toMatchObject({ everyMinutes: 240, cron: null, timezone: 'UTC', paused: true, nextRunAt: null });
  });

  it('refuses agents and coordinators with MANAGER_ONLY, for every use case', async () => {
    const s = service();
    for (const actor of [org.itAgent.actor, org.itCoordinator.actor, org.requester.actor]) {
      expect((await refusal(s.list(actor))).code).toBe('MANAGER_ONLY');
      expect((await refusal(s.add(actor, weekly('nope'), 'chat'))).code).toBe('MANAGER_ONLY');
      expect((await refusal(s.pause(actor, 'backups'))).code).toBe('MANAGER_ONLY');
      expect((await refusal(s.resume(actor, 'backups'))).code).toBe('MANAGER_ONLY');
      expect((await refusal(s.remove(actor, 'backups'))).code).toBe('MANAGER_ONLY');
    }
    expect(await db.current.models.Schedule.countDocuments({ key: 'nope' })).toBe(0);
  });

  it('validates like the org config does, and against the directory, with field paths', async () => {
    const s = service();
    const bad = await refusal(s.add(org.manager.actor, { id: 'Bad Id', cron: '0 9 * *', every: '1h', ticket: { department: 'it', title: '' } }, 'api'));
    expect(bad.code).toBe('VALIDATION_FAILED');
    expect(bad.fields.map((field) => field.path).sort()).toEqual(['cron', 'id', 'ticket.title']);
    const fourFields = await refusal(s.add(org.manager.actor, weekly('four', { cron: '0 9 * *' }), 'api'));
    expect(fourFields.fields).toEqual([{ path: 'cron', message: expect.stringContaining('five fields') }]);
    const never = await refusal(s.add(org.manager.actor, weekly('never', { cron: '61 9 * * *' }), 'api'));
    expect(never.fields[0]?.path).toBe('cron');
    const references = await refusal(
      s.add(org.manager.actor, { id: 'refs', every: '1d', timezone: 'Mars/Olympus', ticket: { department: 'hr', category: 'hardware', title: 'x', assignee: 'itagent@example.test', requester: 'ghost@example.test' } }, 'api'),
    );
    expect(references.fields.map((field) => field.path)).toEqual(['timezone']);
    const directory = await refusal(
      s.add(org.manager.actor, { id: 'refs', every: '1d', ticket: { department: 'hr', category: 'hardware', title: 'x', assignee: 'itagent@example.test', requester: 'ghost@example.test' } }, 'api'),
    );
    expect(directory.fields).toEqual([
      { path: 'ticket.category', message: 'unknown category hardware in department hr' },
      { path: 'ticket.assignee', message: 'itagent@example.test does not work in department hr' },
      { path: 'ticket.requester', message: 'ghost@example.test is not an active person' },
    ]);
    const gone = await refusal(s.add(org.manager.actor, { id: 'legacy', every: '1d', ticket: { department: 'legacy', title: 'x' } }, 'api'));
    expect(gone.fields).toEqual([{ path: 'ticket.department', message: 'unknown department legacy' }]);
    expect(await db.current.models.Schedule.countDocuments({ key: trusted({ $in: ['four', 'never', 'refs', 'legacy'] }) })).toBe(0);
  });

  it('refuses an id that is taken, by a live or a removed schedule', async () => {
    const s = service();
    expect(await refusal(s.add(org.manager.actor, weekly('backups'), 'api'))).toMatchObject({ code: 'SCHEDULE_EXISTS', params: { id: 'backups' } });
    await s.add(org.manager.actor, weekly('short-lived'), 'api');
    await s.remove(org.manager.actor, 'short-lived');
    expect((await refusal(s.add(org.manager.actor, weekly('short-lived'), 'api'))).code).toBe('SCHEDULE_EXISTS');
  });

  it('pauses, resumes from now on, and removes (kept, marked, out of the list)', async () => {
    const s = service();
    const paused = await s.pause(org.manager.actor, 'backups');
    expect(paused).toMatchObject({ paused: true, nextRunAt: null });
    expect(await s.pause(org.manager.actor, 'backups')).toMatchObject({ paused: true });
    now = new Date('2026-03-10T12:00:00Z');
    const resumed = await s.resume(org.manager.actor, 'backups');
    // Monday the 9th passed while paused: not made up.
    expect(resumed).toMatchObject({ paused: false });
    expect(resumed.nextRunAt?.toISOString()).toBe('2026-03-16T06:00:00.000Z');
    expect((await s.resume(org.manager.actor, 'backups')).nextRunAt?.toISOString()).toBe('2026-03-16T06:00:00.000Z');
    const removed = await s.remove(org.manager.actor, 'backups');
    expect(removed).toMatchObject({ removed: true, nextRunAt: null, removedAt: now });
    expect((await s.list(org.manager.actor)).map((schedule) => schedule.key)).toEqual(['coffee']);
    expect((await s.list(org.manager.actor, { includeRemoved: true })).map((schedule) => schedule.key)).toEqual(['backups', 'coffee', 'short-lived']);
    for (const run of [s.pause, s.resume, s.remove]) {
      expect(await refusal(run(org.manager.actor, 'backups'))).toMatchObject({ code: 'NOT_FOUND', params: { id: 'backups' } });
      expect((await refusal(run(org.manager.actor, 'no-such'))).code).toBe('NOT_FOUND');
    }
    expect(await db.current.models.Schedule.countDocuments({})).toBe(3);
  });
});
