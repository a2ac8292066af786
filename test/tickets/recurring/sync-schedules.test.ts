import { invalidateDepartments } from '../../../src/db/department-cache.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { scheduleSchema, type ScheduleConfig } from '../../../src/config/org-schema.js';
import { createScheduleService } from '../../../src/tickets/recurring/schedule-service.js';
import { syncSchedules } from '../../../src/tickets/recurring/sync-schedules.js';
import { useTestDatabase } from '../../support/database.js';
import { seedOrg, type Org } from '../../support/fixtures.js';

const db = useTestDatabase('sync_schedules');
let org: Org;
let now = new Date('2026-03-04T12:00:00Z');
const clock = () => now;
const models = () => db.current.models;
const sync = (schedules: ScheduleConfig[]) => syncSchedules(models(), schedules, { clock, timezone: 'Europe/Moscow' });
const entry = (input: object): ScheduleConfig => scheduleSchema.parse(input);
const weekly = entry({ id: 'weekly', cron: '0 9 * * mon', ticket: { department: 'it', title: 'Weekly check', assignee: 'itagent@example.test' } });
const hourly = entry({ id: 'hourly', every: '1h', timezone: 'UTC', ticket: { department: 'hr', title: 'Hourly look', priority: 'low' } });
const schedule = async (key: string) => (await models().Schedule.findOne({ key }).lean())!;

beforeAll(async () => {
  org = await seedOrg(models());
  await models().Department.updateOne({ key: 'hr' }, { $set: { settings: { timezone: 'Asia/Yekaterinburg' } } });
  invalidateDepartments(models());
});

describe('syncing the config schedules', { timeout: 60_000 }, () => {
  it('creates them, then writes nothing for unchanged entries', async () => {
    expect(await sync([weekly, hourly])).toEqual({ created: 2, updated: 0, removed: 0, unchanged: 0 });
    expect(await schedule('weekly')).toMatchObject({ origin: 'config', timezone: 'Europe/Moscow', cron: '0 9 * * mon', nextRunAt: new Date('2026-03-09T06:00:00Z'), createdBy: null });
    expect(await schedule('hourly')).toMatchObject({ everyMinutes: 60, timezone: 'UTC', nextRunAt: new Date('2026-03-04T13:00:00Z') });
    const before = (await schedule('weekly')).updatedAt;
    now = new Date('2026-03-04T12:30:00Z');
    expect(await sync([weekly, hourly])).toEqual({ created: 0, updated: 0, removed: 0, unchanged: 2 });
    expect((await schedule('weekly')).updatedAt).toEqual(before);
    expect((await schedule('hourly')).nextRunAt).toEqual(new Date('2026-03-04T13:00:00Z'));
  });

  it("takes the department's time zone when the entry has none", async () => {
    const hr = entry({ id: 'hr-daily', cron: '0 9 * * *', ticket: { department: 'hr', title: 'Daily' } });
    await sync([weekly, hourly, hr]);
    expect(await schedule('hr-daily')).toMatchObject({ timezone: 'Asia/Yekaterinburg', nextRunAt: new Date('2026-03-05T04:00:00Z') });
  });

  it('keeps a pause done by command over restarts while the entry is unchanged, and applies a changed entry', async () => {
    await createScheduleService({ models: models(), clock }).pause(org.manager.actor, 'weekly');
    expect((await sync([weekly, hourly])).unchanged).toBe(2);
    expect(await schedule('weekly')).toMatchObject({ paused: true, nextRunAt: null });
    const retitled = entry({ ...weeklyInput(), ticket: { ...weeklyInput().ticket, title: 'Weekly check, v2' } });
    expect((await sync([retitled, hourly])).updated).toBe(1);
    expect(await schedule('weekly')).toMatchObject({ paused: false, template: { title: 'Weekly check, v2' }, nextRunAt: new Date('2026-03-09T06:00:00Z') });
    // A new time: the next run follows it; an unchanged time keeps the planned run.
    const retimed = entry({ ...weeklyInput(), cron: '0 10 * * tue', ticket: { ...weeklyInput().ticket, title: 'Weekly check, v2' } });
    await sync([retimed, hourly]);
    expect((await schedule('weekly')).nextRunAt).toEqual(new Date('2026-03-10T07:00:00Z'));
  });

  it('marks a schedule gone from the config removed (kept), and brings it back when it returns', async () => {
    // hr-daily went with the previous sync already.
    expect(await schedule('hr-daily')).toMatchObject({ removed: true });
    const summary = await sync([hourly]);
    expect(summary.removed).toBe(1);
    expect(await schedule('weekly')).toMatchObject({ removed: true, nextRunAt: null, configHash: null });
    expect(await models().Schedule.countDocuments({})).toBe(3);
    expect(await sync([hourly, weekly])).toEqual({ created: 0, updated: 1, removed: 0, unchanged: 1 });
    expect(await schedule('weekly')).toMatchObject({ removed: false, removedAt: null, paused: false, nextRunAt: new Date('2026-03-09T06:00:00Z') });
  });

  it('leaves schedules added by command alone, unless the config takes their id', async () => {
    const service = createScheduleService({ models: models(), clock });
    await service.add(org.manager.actor, { id: 'by-chat', every: '2h', ticket: { department: 'it', title: 'From the chat' } }, 'chat');
    await service.add(org.manager.actor, { id: 'taken', every: '2h', ticket: { department: 'it', title: 'Mine first' } }, 'api');
    const taken = entry({ id: 'taken', cron: '0 8 * * *', ticket: { department: 'it', title: 'The config says' } });
    await sync([hourly, weekly, taken]);
    expect(await schedule('by-chat')).toMatchObject({ origin: 'chat', removed: false });
    expect(await schedule('taken')).toMatchObject({ origin: 'config', cron: '0 8 * * *', everyMinutes: null, template: { title: 'The config says' } });
  });
});

function weeklyInput() {
  return { id: 'weekly', cron: '0 9 * * mon', ticket: { department: 'it', title: 'Weekly check', assignee: 'itagent@example.test' } };
}
