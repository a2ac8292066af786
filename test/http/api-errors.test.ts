import { beforeAll, describe, expect, it } from 'vitest';
import { revokeApiToken } from '../../src/people/api-tokens.js';
import { useTestDatabase } from '../support/database.js';
import { buildTestApp, type TestApp } from '../support/http-app.js';
import { multipartBody } from '../support/multipart.js';
import { seedOrg, type OrgFixture } from '../support/org-fixture.js';

const db = useTestDatabase('http_errors');
let api: TestApp;
let org: OrgFixture;
let number: number;

beforeAll(async () => {
  org = await seedOrg(db.current);
  api = await buildTestApp(db.current, { maxFileBytes: 1024, bodyLimit: 32 * 1024 });
  number = (await api.call(org.requester.token, 'POST', '/api/v1/tickets', { description: 'Base ticket', department: 'it' })).body.ticket.number;
});

async function ticketCount(): Promise<number> {
  return db.current.models.Ticket.countDocuments();
}

describe('REST API: errors', () => {
  it('401 without, with a bad and with a revoked token', async () => {
    expect((await api.call(null, 'GET', '/api/v1/tickets')).status).toBe(401);
    expect((await api.call('hd_not-a-real-token', 'GET', '/api/v1/tickets')).body.error.code).toBe('UNAUTHENTICATED');
    expect((await api.app.inject({ method: 'GET', url: '/api/v1/tickets', headers: { authorization: 'Basic abc' } })).statusCode).toBe(401);
    const extra = (await import('../../src/people/api-tokens.js')).createApiToken;
    const { token } = await extra(db.current.models, { personEmail: org.agent.email, name: 'to revoke' });
    expect((await api.call(token, 'GET', '/api/v1/tickets')).status).toBe(200);
    expect(await revokeApiToken(db.current.models, token, () => new Date())).toBe(1);
    expect((await api.call(token, 'GET', '/api/v1/tickets')).status).toBe(401);
  });

  it('403 for actions the policy refuses; 404 for tickets one may not see', async () => {
    expect((await api.call(org.requester.token, 'POST', `/api/v1/tickets/${number}/take`)).body.error.code).toBe('FORBIDDEN');
    expect((await api.call(org.requester.token, 'POST', `/api/v1/tickets/${number}/comments`, { text: 'x', internal: true })).status).toBe(403);
    expect((await api.call(org.agent.token, 'PATCH', `/api/v1/tickets/${number}`, { department: 'hr' })).status).toBe(403);
    expect((await api.call(org.hrAgent.token, 'POST', `/api/v1/tickets/${number}/take`)).status).toBe(404);
    expect((await api.call(org.otherRequester.token, 'GET', `/api/v1/tickets/${number}`)).status).toBe(404);
    expect((await api.call(org.manager.token, 'GET', '/api/v1/tickets/999999')).body.error).toMatchObject({ code: 'TICKET_NOT_FOUND', message: 'Ticket #999999 was not found.' });
    expect((await api.call(org.manager.token, 'GET', '/api/v1/nowhere')).status).toBe(404);
  });

  it('409: of two concurrent takes exactly one wins and the other names the winner', async () => {
    const { body } = await api.call(org.requester.token, 'POST', '/api/v1/tickets', { description: 'Race', department: 'it' });
    const n = body.ticket.number;
    const [a, b] = await Promise.all([
      api.call(org.agent.token, 'POST', `/api/v1/tickets/${n}/take`),
      api.call(org.agent2.token, 'POST', `/api/v1/tickets/${n}/take`),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const winner = a.status === 200 ? 'Agent' : 'Agent2';
    const loser = a.status === 409 ? a : b;
    expect(loser.body.error).toMatchObject({ code: 'TICKET_ALREADY_TAKEN', message: `Ticket #${n} is already taken by ${winner}.` });
  });

  it('409 for invalid transitions, and nothing changes', async () => {
    const { body } = await api.call(org.requester.token, 'POST', '/api/v1/tickets', { description: 'Transitions', department: 'it' });
    const n = body.ticket.number;
    expect((await api.call(org.requester.token, 'POST', `/api/v1/tickets/${n}/rate`, { score: 4 })).body.error.code).toBe('INVALID_TRANSITION');
    expect((await api.call(org.manager.token, 'POST', `/api/v1/tickets/${n}/reopen`)).status).toBe(409);
    expect((await api.call(org.agent.token, 'POST', `/api/v1/tickets/${n}/close`)).status).toBe(200);
    const resolve = await api.call(org.agent.token, 'POST', `/api/v1/tickets/${n}/resolve`, undefined, { 'accept-language': 'ru' });
    expect(resolve.body.error).toMatchObject({ code: 'INVALID_TRANSITION', message: `Заявка #${n} в статусе «closed»: действие «resolve» недоступно.` });
    expect((await api.call(org.requester.token, 'POST', `/api/v1/tickets/${n}/comments`, { text: 'hello?' })).status).toBe(409);
    expect((await api.call(org.agent.token, 'POST', `/api/v1/tickets/${n}/release`)).status).toBe(403);
    expect((await api.call(org.coordinator.token, 'POST', `/api/v1/tickets/${n}/release`)).body.error.code).toBe('ALREADY_IN_STATE');
    const journal = await api.call(org.manager.token, 'GET', `/api/v1/tickets/${n}/journal`);
    expect(journal.body.events.map((e: { type: string }) => e.type)).toEqual(['opened', 'status_changed']);
  });

  it('400 with field errors for invalid bodies, queries and params', async () => {
    const bad = await api.call(org.requester.token, 'POST', '/api/v1/tickets', { description: 7, department: 'IT!', priority: 'asap', extra: true });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.map((f: { path: string }) => f.path).sort()).toEqual(['body.department', 'body.description', 'body.extra', 'body.priority']);
    expect((await api.call(org.requester.token, 'POST', '/api/v1/tickets', { description: 'x y', department: 'nope' })).body.error.fields).toEqual([
      { path: 'department', message: 'unknown department nope' },
    ]);
    expect((await api.call(org.manager.token, 'GET', '/api/v1/tickets/0')).status).toBe(400);
    expect((await api.call(org.manager.token, 'GET', '/api/v1/tickets/12abc')).status).toBe(400);
    expect((await api.call(org.manager.token, 'GET', '/api/v1/tickets?page=0')).status).toBe(400);
    expect((await api.call(org.manager.token, 'GET', '/api/v1/tickets?status=open')).status).toBe(400);
    expect((await api.call(org.manager.token, 'PATCH', `/api/v1/tickets/${number}`, {})).status).toBe(400);
    expect((await api.call(org.manager.token, 'PATCH', `/api/v1/tickets/${number}`, { assignee: org.requester.actor.id.toString() })).body.error.code).toBe('VALIDATION_FAILED');
    expect((await api.call(org.requester.token, 'POST', `/api/v1/tickets/${number}/rate`, { score: 6 })).status).toBe(400);
  });

  it('rejects malformed JSON, unsupported media types and Mongo operators without executing them', async () => {
    const before = await ticketCount();
    const raw = (payload: string, contentType = 'application/json') =>
      api.call(org.manager.token, 'POST', '/api/v1/tickets', payload, { 'content-type': contentType });
    expect((await raw('{"department": "it",')).body.error.code).toBe('MALFORMED_JSON');
    expect((await raw('description=x', 'application/x-www-form-urlencoded')).status).toBe(415);
    expect((await raw('hello', 'text/plain')).status).toBe(415);
    for (const payload of [
      { title: { $gt: '' }, department: 'it' },
      { description: 'x', department: { $ne: null } },
      { $nor: [{ department: 'it' }], description: 'x', department: 'it' },
      { description: 'x', department: 'it', category: { $regex: '.*' } },
      { description: 'x', department: 'it', requester: { $exists: true } },
    ]) {
      expect((await api.call(org.manager.token, 'POST', '/api/v1/tickets', payload)).status).toBe(400);
    }
    for (const query of ['status[$ne]=x', 'q[$regex]=.', 'assignee[$exists]=true', 'department[$gt]=', '$where=1']) {
      expect((await api.call(org.manager.token, 'GET', `/api/v1/tickets?${query}`)).status).toBe(400);
    }
    expect((await api.call(org.manager.token, 'GET', '/api/v1/tickets?q=%24gt')).status).toBe(200);
    expect((await api.call(org.manager.token, 'PATCH', `/api/v1/tickets/${number}`, { priority: { $gt: '' } })).status).toBe(400);
    expect(await ticketCount()).toBe(before);
  });

  it('413 for a file over the limit (nothing stored) and for an oversized body', async () => {
    const before = await ticketCount();
    const files = await db.current.connection.db!.collection('attachments.files').countDocuments();
    const upload = multipartBody({ department: 'it', description: 'big file' }, [
      { field: 'a', name: 'ok.txt', type: 'text/plain', data: Buffer.alloc(500, 1) },
      { field: 'b', name: 'huge.bin', type: 'application/octet-stream', data: Buffer.alloc(5000, 1) },
    ]);
    const response = await api.app.inject({ method: 'POST', url: '/api/v1/tickets', payload: upload.payload, headers: { ...upload.headers, authorization: `Bearer ${org.requester.token}` } });
    expect(response.statusCode).toBe(413);
    expect(response.json().error).toMatchObject({ code: 'FILE_TOO_LARGE', message: 'A file is too large: the limit is 1024 bytes.' });
    expect(await ticketCount()).toBe(before);
    expect(await db.current.connection.db!.collection('attachments.files').countDocuments()).toBe(files);
    const big = await api.call(org.requester.token, 'POST', '/api/v1/tickets', { description: 'x'.repeat(40 * 1024), department: 'it' });
    expect(big.status).toBe(413);
  });

  it('never answers 500 to hostile input', async () => {
    const hostile: unknown[] = ['', 'null', '[]', '"x"', '1e999', '{"__proto__": {"admin": true}}', '{"constructor": {"prototype": {}}}', '\u0000', '{"description": "\\ud800"}'];
    const values: unknown[] = [null, true, -1, 1.5, 1e308, '', 'x'.repeat(300), [], {}, { $gt: '' }, ['$where'], '\u0000', '../../etc/passwd', '<script>'];
    const fields = ['title', 'description', 'department', 'category', 'priority', 'tags', 'requester', 'text', 'internal', 'score', 'assignee', '$where', '__proto__'];
    let seed = 7;
    const pick = <T,>(list: T[]): T => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return list[seed % list.length]!;
    };
    for (let i = 0; i < 120; i += 1) {
      const body: Record<string, unknown> = {};
      for (let j = 0; j < 3; j += 1) body[pick(fields)] = pick(values);
      hostile.push(JSON.stringify(body));
    }
    const paths = ['/api/v1/tickets', `/api/v1/tickets/${number}/comments`, `/api/v1/tickets/${number}/rate`, `/api/v1/tickets/${number}`];
    for (const payload of hostile) {
      for (const url of paths) {
        const method = url === `/api/v1/tickets/${number}` ? 'PATCH' : 'POST';
        const { status } = await api.call(org.manager.token, method, url, payload, { 'content-type': 'application/json' });
        expect(status, `${method} ${url} ${String(payload)}`).toBeLessThan(500);
      }
    }
    for (const url of ['/api/v1/tickets/%00', '/api/v1/tickets/1%2F2', '/api/v1/tickets?q=%ff', '/api/v1/tickets?page=1e9', `/api/v1/tickets/${number}/attachments/zzz`, `/api/v1/tickets/${number}/attachments/${'a'.repeat(24)}`]) {
      expect((await api.call(org.manager.token, 'GET', url)).status, url).toBeLessThan(500);
    }
  });
});
