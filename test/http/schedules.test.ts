import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/database.js';
import { seedOrg, startApi, type Org, type TestApi } from '../support/fixtures.js';

const db = useTestDatabase('http_schedules');
let api: TestApi;
let org: Org;

beforeAll(async () => {
  org = await seedOrg(db.current.models);
  api = await startApi(db.current);
});

const weekly = {
  id: 'weekly-backups',
  cron: '0 9 * * mon',
  timezone: 'Europe/Moscow',
  ticket: { department: 'it', category: 'hardware', title: 'Check the backups', description: 'Restore one file', priority: 'high', assignee: 'itagent@example.test' },
};

describe('REST API: schedules', { timeout: 60_000 }, () => {
  it('adds a schedule for a manager: 201, Location, the public shape', async () => {
    const response = await api.call(org.manager.token, 'POST', '/api/v1/schedules', weekly);
    expect(response.status).toBe(201);
    expect(response.headers.location).toBe('/api/v1/schedules/weekly-backups');
    expect(response.body.schedule).toEqual({
      id: 'weekly-backups',
      origin: 'api',
      cron: '0 9 * * mon',
      every: null,
      timezone: 'Europe/Moscow',
      paused: false,
      removed: false,
      ticket: { department: 'it', category: 'hardware', title: 'Check the backups', description: 'Restore one file', priority: 'high', assignee: 'itagent@example.test', requester: null },
      nextRunAt: expect.stringMatching(/T06:00:00\.000Z$/),
      lastRunAt: null,
      removedAt: null,
    });
    const interval = await api.call(org.admin.token, 'POST', '/api/v1/schedules', { id: 'coffee', every: '1h30m', ticket: { department: 'facilities', title: 'Coffee machine' } });
    expect(interval.status).toBe(201);
    expect(interval.body.schedule).toMatchObject({ every: '1h30m', cron: null, timezone: 'UTC', ticket: { priority: 'normal', category: null } });
  });

  it('lists them by id; removed ones only when asked', async () => {
    const list = await api.call(org.manager.token, 'GET', '/api/v1/schedules');
    expect(list.status).toBe(200);
    expect(list.body.schedules.map((s: { id: string }) => s.id)).toEqual(['coffee', 'weekly-backups']);
  });

  it('refuses anyone below manager with 403 MANAGER_ONLY, and anonymous callers with 401', async () => {
    for (const token of [org.itAgent.token, org.itCoordinator.token, org.requester.token]) {
      const listed = await api.call(token, 'GET', '/api/v1/schedules');
      expect(listed.status).toBe(403);
      expect(listed.body.error).toEqual({ code: 'MANAGER_ONLY', message: 'Only managers and administrators may do this.' });
      expect((await api.call(token, 'POST', '/api/v1/schedules', { ...weekly, id: 'sneaky' })).status).toBe(403);
      expect((await api.call(token, 'POST', '/api/v1/schedules/coffee/pause')).status).toBe(403);
      expect((await api.call(token, 'DELETE', '/api/v1/schedules/coffee')).status).toBe(403);
    }
    expect((await api.call(null, 'GET', '/api/v1/schedules')).status).toBe(401);
    const ru = await api.call(org.itAgent.token, 'GET', '/api/v1/schedules', undefined, { 'accept-language': 'ru' });
    expect(ru.body.error.message).toBe('Это могут делать только руководители и администраторы.');
  });

  it('answers 400 with field paths for a malformed body, from the schema and from the service', async () => {
    const malformed = await api.call(org.manager.token, 'POST', '/api/v1/schedules', { id: 'Bad', cron: 7, extra: true, ticket: { department: 'it' } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.fields.map((f: { path: string }) => f.path).sort()).toEqual(['body.cron', 'body.extra', 'body.id', 'body.ticket.title']);
    const both = await api.call(org.manager.token, 'POST', '/api/v1/schedules', { ...weekly, id: 'both', every: '1h' });
    expect(both.status).toBe(400);
    expect(both.body.error).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ path: 'body.cron', message: 'expected either cron or every (not both)' }] });
    const badCron = await api.call(org.manager.token, 'POST', '/api/v1/schedules', { ...weekly, id: 'bad-cron', cron: 'at nine' });
    expect(badCron.body.error.fields).toEqual([{ path: 'body.cron', message: expect.stringContaining('expected a cron expression') }]);
    const unknown = await api.call(org.manager.token, 'POST', '/api/v1/schedules', { ...weekly, id: 'nowhere', ticket: { ...weekly.ticket, department: 'space', assignee: 'nobody@example.test' } });
    expect(unknown.body.error.fields).toEqual([
      { path: 'body.ticket.department', message: 'unknown department space' },
      { path: 'body.ticket.assignee', message: 'nobody@example.test is not an active person' },
    ]);
    expect(await db.current.models.Schedule.countDocuments({})).toBe(2);
  });

  it('never executes or stores hostile input: operators, wrong types, huge strings are 400', async () => {
    const hostile = [
      { id: { $gt: '' }, every: '1h', ticket: { department: 'it', title: 'x' } },
      { id: 'op', every: { $ne: null }, ticket: { department: 'it', title: 'x' } },
      { id: 'op', every: '1h', ticket: { department: { $regex: '.' }, title: 'x' } },
      { id: 'op', every: '1h', ticket: [] },
      { id: 'op', cron: 'x'.repeat(5000), ticket: { department: 'it', title: 'x' } },
      { id: 'op', every: '0m', ticket: { department: 'it', title: 'x' } },
      { id: 'op', cron: '* * * * *', timezone: 'Not/AZone', ticket: { department: 'it', title: 'x', assignee: 'not-an-email' } },
      [],
    ];
    for (const body of hostile) {
      const response = await api.call(org.manager.token, 'POST', '/api/v1/schedules', body);
      expect(response.status, JSON.stringify(body).slice(0, 80)).toBe(400);
    }
    expect((await api.call(org.manager.token, 'POST', '/api/v1/schedules', 'just text')).status).toBe(415);
    expect(await db.current.models.Schedule.countDocuments({ key: 'op' })).toBe(0);
  });

  it('answers 409 SCHEDULE_EXISTS for a taken id', async () => {
    const again = await api.call(org.manager.token, 'POST', '/api/v1/schedules', weekly);
    expect(again.status).toBe(409);
    expect(again.body.error).toEqual({ code: 'SCHEDULE_EXISTS', message: expect.stringContaining('«weekly-backups» already exists') });
  });

  it('pauses, resumes and removes (kept, marked); 404 for an unknown or removed id, 400 for a malformed one', async () => {
    const paused = await api.call(org.manager.token, 'POST', '/api/v1/schedules/weekly-backups/pause');
    expect(paused).toMatchObject({ status: 200, body: { schedule: { paused: true, nextRunAt: null } } });
    const resumed = await api.call(org.manager.token, 'POST', '/api/v1/schedules/weekly-backups/resume', {});
    expect(resumed).toMatchObject({ status: 200, body: { schedule: { paused: false, nextRunAt: expect.stringMatching(/T06:00:00\.000Z$/) } } });
    const removed = await api.call(org.manager.token, 'DELETE', '/api/v1/schedules/weekly-backups');
    expect(removed).toMatchObject({ status: 200, body: { schedule: { id: 'weekly-backups', removed: true, nextRunAt: null } } });
    expect(removed.body.schedule.removedAt).toEqual(expect.any(String));
    expect((await api.call(org.manager.token, 'GET', '/api/v1/schedules')).body.schedules.map((s: { id: string }) => s.id)).toEqual(['coffee']);
    const all = await api.call(org.manager.token, 'GET', '/api/v1/schedules?removed=true');
    expect(all.body.schedules.map((s: { id: string; removed: boolean }) => [s.id, s.removed])).toEqual([['coffee', false], ['weekly-backups', true]]);
    for (const [method, url] of [['POST', '/api/v1/schedules/weekly-backups/pause'], ['DELETE', '/api/v1/schedules/weekly-backups'], ['POST', '/api/v1/schedules/ghost/resume']] as const) {
      const missing = await api.call(org.manager.token, method, url);
      expect(missing.status, url).toBe(404);
      expect(missing.body.error.code).toBe('NOT_FOUND');
    }
    const malformed = await api.call(org.manager.token, 'POST', '/api/v1/schedules/Not%20An%20Id/pause');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.fields).toEqual([{ path: 'params.id', message: expect.any(String) }]);
    const withBody = await api.call(org.manager.token, 'POST', '/api/v1/schedules/coffee/pause', { force: true });
    expect(withBody.status).toBe(400);
  });

  it('documents the routes in the OpenAPI document', async () => {
    const { body: doc } = await api.call(null, 'GET', '/docs/json');
    expect(Object.keys(doc.paths['/api/v1/schedules'])).toEqual(expect.arrayContaining(['get', 'post']));
    expect(doc.paths['/api/v1/schedules'].post.responses).toHaveProperty('409');
    expect(doc.paths['/api/v1/schedules/{id}/pause'].post.requestBody.required).toBe(false);
    expect(doc.paths['/api/v1/schedules/{id}'].delete.responses['200']).toBeDefined();
  });
});
