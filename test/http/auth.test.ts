import { forgetPeople } from '../../src/people/people-cache.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApiToken, revokeApiToken } from '../../src/people/api-tokens.js';
import { useTestDatabase } from '../support/database.js';
import { seedOrg, startApi, type Org, type TestApi } from '../support/fixtures.js';

const db = useTestDatabase('http_auth');
let api: TestApi;
let org: Org;

beforeAll(async () => {
  org = await seedOrg(db.current.models);
  api = await startApi(db.current);
});

describe('REST API: authentication', () => {
  it("records a token's last use to the minute, not with a write on every request", async () => {
    const { models } = db.current;
    const { token, id } = await createApiToken(models, { personEmail: org.manager.email, name: 'last-used' });
    const headers = { authorization: `Bearer ${token}` };
    expect((await api.call(null, 'GET', '/api/v1/me', undefined, headers)).status).toBe(200);
    const first = (await models.ApiToken.findById(id).lean())?.lastUsedAt;
    expect(first).toBeInstanceOf(Date);
    expect((await api.call(null, 'GET', '/api/v1/me', undefined, headers)).status).toBe(200);
    expect((await models.ApiToken.findById(id).lean())?.lastUsedAt).toEqual(first);
  });

  it('answers 401 with a Bearer challenge without a token, with a bad one or another scheme', async () => {
    const variants: Record<string, string>[] = [{}, { authorization: 'Bearer hd_unknown' }, { authorization: 'Bearer' }, { authorization: `Basic ${org.manager.token}` }, { authorization: `Bearer ${org.manager.token} extra` }];
    for (const headers of variants) {
      const response = await api.call(null, 'GET', '/api/v1/tickets', undefined, headers);
      expect(response.status, JSON.stringify(headers)).toBe(401);
      expect(response.body.error).toEqual({ code: 'UNAUTHENTICATED', message: 'Authentication required: send Authorization: Bearer <token>.' });
      expect(response.headers['www-authenticate']).toBe('Bearer');
    }
  });

  it('answers 401 on every /api/v1 route, before reading a body', async () => {
    const routes: [string, string][] = [
      ['POST', '/api/v1/tickets'], ['GET', '/api/v1/tickets'], ['GET', '/api/v1/tickets/1'], ['PATCH', '/api/v1/tickets/1'],
      ['GET', '/api/v1/tickets/1/journal'], ['GET', `/api/v1/tickets/1/attachments/${'a'.repeat(24)}`],
      ['POST', '/api/v1/tickets/1/comments'], ['POST', '/api/v1/tickets/1/take'], ['POST', '/api/v1/tickets/1/release'],
      ['POST', '/api/v1/tickets/1/wait'], ['POST', '/api/v1/tickets/1/resume'], ['POST', '/api/v1/tickets/1/resolve'],
      ['POST', '/api/v1/tickets/1/close'], ['POST', '/api/v1/tickets/1/reopen'], ['POST', '/api/v1/tickets/1/rate'],
      ['GET', '/api/v1/departments'], ['GET', '/api/v1/me'],
    ];
    for (const [method, url] of routes) {
      // Malformed JSON would be a 400 for a known caller: the anonymous one learns nothing but 401.
      const payload = method === 'GET' ? undefined : '{"broken":';
      const headers: Record<string, string> = payload ? { 'content-type': 'application/json' } : {};
      expect((await api.call(null, method, url, payload, headers)).status, `${method} ${url}`).toBe(401);
    }
  });

  it('refuses a revoked token and the token of a deactivated person', async () => {
    const { token } = await createApiToken(db.current.models, { personEmail: org.itAgent.email, name: 'to revoke' });
    expect((await api.call(token, 'GET', '/api/v1/me')).status).toBe(200);
    expect(await revokeApiToken(db.current.models, token, () => new Date())).toBe(1);
    expect((await api.call(token, 'GET', '/api/v1/me')).status).toBe(401);

    const { token: leaverToken } = await createApiToken(db.current.models, { personEmail: org.admin.email, name: 'leaver' });
    await db.current.models.Person.updateOne({ _id: org.admin.actor.id }, { $set: { active: false } });
    await forgetPeople(db.current.models);
    expect((await api.call(leaverToken, 'GET', '/api/v1/me')).status).toBe(401);
    await db.current.models.Person.updateOne({ _id: org.admin.actor.id }, { $set: { active: true } });
    await forgetPeople(db.current.models);
  });

  it('GET /me tells who the token acts for', async () => {
    const me = await api.call(org.itCoordinator.token, 'GET', '/api/v1/me');
    expect(me.status).toBe(200);
    expect(me.body).toEqual({
      id: org.itCoordinator.id,
      name: 'Kira Coordinator',
      email: 'itcoordinator@example.test',
      role: 'coordinator',
      departments: ['it'],
      locale: null,
    });
  });

  it('translates error messages by Accept-Language, English by default', async () => {
    const message = async (language?: string) =>
      (await api.call(null, 'GET', '/api/v1/me', undefined, language ? { 'accept-language': language } : {})).body.error.message;
    expect(await message()).toMatch(/^Authentication required/);
    expect(await message('ru')).toMatch(/^Нужна авторизация/);
    expect(await message('ru-RU,ru;q=0.9,en;q=0.8')).toMatch(/^Нужна авторизация/);
    expect(await message('en;q=0.2, ru;q=0.9')).toMatch(/^Нужна авторизация/);
    expect(await message('de-DE, fr;q=0.5')).toMatch(/^Authentication required/);
  });
});

describe('REST API: failed attempts', () => {
  it('makes a client that failed too often wait (429, Retry-After) before its token is looked at; others go on', async () => {
    const throttled = await startApi(db.current, { failureThrottle: { limit: 5, windowMs: 1500 } });
    const me = (token: string, remoteAddress = '10.0.0.1') => throttled.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}` }, remoteAddress });
    for (let i = 0; i < 5; i += 1) expect((await me(`hd_guess${i}`)).statusCode).toBe(401);
    const refused = await me(org.manager.token);
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(refused.json()).toMatchObject({ error: { code: 'TOO_MANY_ATTEMPTS', message: expect.stringContaining('try again in') as unknown } });
    // Another address is not slowed, and a guessed link counts for the pages too.
    expect((await me(org.manager.token, '10.0.0.2')).statusCode).toBe(200);
    const page = await throttled.app.inject({ method: 'GET', url: '/rate/not-a-link', remoteAddress: '10.0.0.1' });
    expect(page.statusCode).toBe(429);
    expect(page.headers['retry-after']).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 1600));
    expect((await me(org.manager.token)).statusCode).toBe(200);
    await throttled.app.close();
  });
});

