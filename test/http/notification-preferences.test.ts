import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/database.js';
import { seedOrg, startApi, type Org, type TestApi } from '../support/fixtures.js';

const db = useTestDatabase('http_notify_prefs');
let api: TestApi;
let org: Org;

beforeAll(async () => {
  org = await seedOrg(db.current.models);
  api = await startApi(db.current);
});

describe('REST API: notification preferences', () => {
  it('reads and changes the caller\'s own channels and mute, leaving out fields unchanged', async () => {
    expect((await api.call(org.requester.token, 'GET', '/api/v1/me/notifications')).body).toEqual({ channels: [], muted: false });
    const chosen = await api.call(org.requester.token, 'PUT', '/api/v1/me/notifications', { channels: ['email', 'telegram', 'email'] });
    expect(chosen.status).toBe(200);
    expect(chosen.body).toEqual({ channels: ['email', 'telegram'], muted: false });
    const muted = await api.call(org.requester.token, 'PUT', '/api/v1/me/notifications', { muted: true });
    expect(muted.body).toEqual({ channels: ['email', 'telegram'], muted: true });
    // Another person's preferences are untouched.
    expect((await api.call(org.itAgent.token, 'GET', '/api/v1/me/notifications')).body).toEqual({ channels: [], muted: false });
  });

  it('refuses an unknown channel or field with 400 naming it, and changes nothing', async () => {
    const bad = await api.call(org.itAgent.token, 'PUT', '/api/v1/me/notifications', { channels: ['pigeon'] });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('channels');
    const extra = await api.call(org.itAgent.token, 'PUT', '/api/v1/me/notifications', { muted: true, volume: 11 });
    expect(extra.status).toBe(400);
    expect((await api.call(org.itAgent.token, 'GET', '/api/v1/me/notifications')).body).toEqual({ channels: [], muted: false });
  });
});
