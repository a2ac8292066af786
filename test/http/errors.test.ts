import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTicketService } from '../../src/tickets/ticket-service.js';
import { useTestDatabase } from '../support/database.js';
import { multipart, seedOrg, startApi, type Org, type TestApi } from '../support/fixtures.js';

const db = useTestDatabase('http_errors');
let api: TestApi;
let org: Org;
let number: number;

beforeAll(async () => {
  org = await seedOrg(db.current.models);
  api = await startApi(db.current, { maxFileBytes: 1024, bodyLimit: 32 * 1024 });
  number = (await api.call(org.requester.token, 'POST', '/api/v1/tickets', { description: 'Base ticket', department: 'it' })).body.ticket.number;
});

const counts = async () => ({
  tickets: await db.current.models.Ticket.countDocuments(),
  events: await db.current.models.JournalEvent.countDocuments(),
  files: await db.current.connection.db!.collection('attachments.files').countDocuments(),
});

describe('REST API: 400 with field errors', () => {
  it('lists every invalid body field with its path', async () => {
    const bad = await api.call(org.requester.token, 'POST', '/api/v1/tickets', { description: 7, department: 'IT!', priority: 'asap', tags: ['ok', 3], extra: true });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toEqual({
      code: 'VALIDATION_FAILED',
      message: 'The request is not valid.',
      fields: expect.arrayContaining([
        { path: 'body.description', message: 'must be string' },
        { path: 'body.department', message: expect.stringContaining('must match pattern') },
        { path: 'body.priority', message: 'must be one of: low, normal, high, urgent' },
        { path: 'body.tags.1', message: 'must be string' },
        { path: 'body.extra', message: 'unknown field' },
      ]),
    });
    expect(bad.body.error.fields).toHaveLength(5);
    expect((await api.call(org.requester.token, 'POST', '/api/v1/tickets', { description: 'x' })).body.error.fields).toEqual([{ path: 'body.department', message: 'required' }]);
    for (const payload of ['[]', '"ticket"', '42', 'null']) {
      const response = await api.call(org.requester.token, 'POST', '/api/v1/tickets', payload, { 'content-type': 'application/json' });
      expect(response.body.error.fields, payload).toEqual([{ path: 'body', message: 'must be object' }]);
    }
    expect((await api.call(org.requester.token, 'POST', '/api/v1/tickets')).body.error.fields).toEqual([{ path: 'body', message: 'required' }]);
  });

  it('names query and path parameters', async () => {
    const query = await api.call(org.manager.token, 'GET', '/api/v1/tickets?page=0&pageSize=x&status=open&assignee=bob&colour=red');
    expect(query.body.error.fields.map((f: { path: string }) => f.path).sort()).toEqual(['query.assignee', 'query.colour', 'query.page', 'query.pageSize', 'query.status']);
    for (const bad of ['0', '-1', '1.5', '12abc', '1e3', '012', '99999999999', '%20']) {
      const response = await api.call(org.manager.token, 'GET', `/api/v1/tickets/${bad}`);
      expect(response.status, bad).toBe(400);
      expect(response.body.error.fields[0].path, bad).toBe('params.number');
    }
    expect((await api.call(org.manager.token, 'GET', `/api/v1/tickets/${number}/attachments/not-an-id`)).body.error.fields[0].path).toBe('params.fileId');
  });

  it('answers malformed JSON, prototype poisoning and bad URLs with 400', async () => {
    const raw = (payload: string) => api.call(org.manager.token, 'POST', '/api/v1/tickets', payload, { 'content-type': 'application/json' });
    expect((await raw('{"department": "it",')).body.error).toEqual({ code: 'MALFORMED_JSON', message: 'The request body is not valid JSON.' });
    expect((await raw('{"__proto__": {"role": "admin"}, "department": "it"}')).body.error.code).toBe('MALFORMED_JSON');
    expect((await raw('{"constructor": {"prototype": {"x": 1}}, "department": "it"}')).body.error.code).toBe('MALFORMED_JSON');
    const url = await api.call(org.manager.token, 'GET', '/api/v1/tickets/%E0%A4%A');
    expect(url.status).toBe(400);
    expect(url.body.error.code).toBe('BAD_REQUEST');
  });

  it('rejects Mongo operators in input with 400 and never executes them', async () => {
    const before = await counts();
    const bodies = [
      { title: { $gt: '' }, department: 'it', description: 'x' },
      { description: 'x', department: { $ne: null } },
      { $nor: [{ department: 'it' }], description: 'x', department: 'it' },
      { description: 'x', department: 'it', category: { $regex: '.*' } },
      { description: 'x', department: 'it', requester: { $exists: true } },
      { description: 'x', department: 'it', tags: [{ $where: 'sleep(1000)' }] },
    ];
    for (const body of bodies) expect((await api.call(org.manager.token, 'POST', '/api/v1/tickets', body)).status, JSON.stringify(body)).toBe(400);
    for (const query of ['status[$ne]=x', 'q[$regex]=.', 'assignee[$exists]=true', 'department[$gt]=', 'requester[$ne]=me', '$where=1', 'status=new&status[$ne]=x']) {
      const response = await api.call(org.manager.token, 'GET', `/api/v1/tickets?${query}`);
      expect(response.status, query).toBe(400);
    }
    for (const patch of [{ priority: { $gt: '' } }, { assignee: { $ne: null } }, { department: { $in: ['it'] } }, { $set: { status: 'closed' } }]) {
      expect((await api.call(org.manager.token, 'PATCH', `/api/v1/tickets/${number}`, patch)).status, JSON.stringify(patch)).toBe(400);
    }
    expect((await api.call(org.manager.token, 'POST', `/api/v1/tickets/${number}/comments`, { text: { $gt: '' } })).status).toBe(400);
    expect((await api.call(org.manager.token, 'POST', `/api/v1/tickets/${number}/comments`, { text: 'x', internal: { $ne: false } })).status).toBe(400);
    // Operator characters inside a plain string are just text.
    expect((await api.call(org.manager.token, 'GET', '/api/v1/tickets?q=%24gt%20.*%20%5E')).status).toBe(200);
    expect(await counts()).toEqual(before);
  });
});

describe('REST API: 413 and 415', () => {
  it('refuses a file over the limit with 413 naming the limit, and keeps nothing', async () => {
    const before = await counts();
    const form = multipart([['department', 'it'], ['description', 'big file']], [
      { name: 'ok.txt', type: 'text/plain', data: Buffer.alloc(500, 1) },
      { name: 'huge.bin', data: Buffer.alloc(5000, 1) },
    ]);
    const response = await api.call(org.requester.token, 'POST', '/api/v1/tickets', form.payload, form.headers);
    expect(response.status).toBe(413);
    expect(response.body.error).toEqual({ code: 'FILE_TOO_LARGE', message: 'A file is too large: the limit is 1024 bytes.' });
    const ru = await api.call(org.requester.token, 'POST', '/api/v1/tickets', form.payload, { ...form.headers, 'accept-language': 'ru' });
    expect(ru.body.error.message).toBe('Файл слишком большой: предел в байтах — 1024.');
    const exact = multipart([['department', 'it'], ['description', 'exactly at the limit']], [{ name: 'edge.bin', data: Buffer.alloc(1024, 2) }]);
    expect((await api.call(org.requester.token, 'POST', '/api/v1/tickets', exact.payload, exact.headers)).status).toBe(201);
    const after = await counts();
    expect(after.tickets).toBe(before.tickets + 1);
    expect(after.files).toBe(before.files + 1);
  });

  it('answers the next request on the same connection after refusing an oversized upload', async () => {
    // A real socket with keep-alive, one connection at most: the client reuses it after the 413.
    await api.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = api.app.server.address() as AddressInfo;
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const send = (method: string, path: string, body?: Buffer, headers: Record<string, string> = {}) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, method, path, agent, headers: { authorization: `Bearer ${org.requester.token}`, ...headers }, timeout: 5000 }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        });
        req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within 5 s`)));
        req.on('error', reject);
        req.end(body);
      });
    try {
      const form = multipart([['department', 'it'], ['description', 'huge upload']], [{ name: 'huge.bin', data: Buffer.alloc(512 * 1024, 1) }]);
      expect((await send('POST', '/api/v1/tickets', form.payload, form.headers)).status).toBe(413);
      for (let i = 0; i < 3; i += 1) expect((await send('GET', '/healthz')).status).toBe(200);
    } finally {
      agent.destroy();
    }
  });

  it('refuses a body over the limit and too many files with 413', async () => {
    const big = await api.call(org.requester.token, 'POST', '/api/v1/tickets', { description: 'x'.repeat(40 * 1024), department: 'it' });
    expect(big.status).toBe(413);
    expect(big.body.error).toEqual({ code: 'BODY_TOO_LARGE', message: 'The request body is too large: the limit is 32768 bytes.' });
    const many = multipart([['department', 'it'], ['description', 'many files']], Array.from({ length: 11 }, (_, i) => ({ name: `${i}.txt`, data: Buffer.from('x') })));
    const before = await counts();
    const response = await api.call(org.requester.token, 'POST', '/api/v1/tickets', many.payload, many.headers);
    expect(response.status).toBe(413);
    expect(response.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await counts()).toEqual(before);
  });

  it('refuses other content types with 415, and multipart where no files are taken', async () => {
    for (const [type, payload] of [['text/plain', 'hello'], ['application/x-www-form-urlencoded', 'description=x&department=it'], ['application/xml', '<ticket/>']] as const) {
      const response = await api.call(org.manager.token, 'POST', '/api/v1/tickets', payload, { 'content-type': type });
      expect(response.status, type).toBe(415);
      expect(response.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    }
    const form = multipart([['text', 'hello']]);
    expect((await api.call(org.manager.token, 'POST', `/api/v1/tickets/${number}/comments`, form.payload, form.headers)).status).toBe(415);
  });

  it('answers an unreadable form with 400', async () => {
    for (const [type, payload] of [
      ['multipart/form-data', 'no boundary'],
      ['multipart/form-data; boundary=xyz', '--xyz\r\nContent-Disposition: form-data; name="department"\r\n\r\nit\r\n--xyz\r\nContent-Disposition: form-data; name="f"; filename="a.txt"\r\n\r\ncut'],
      ['multipart/form-data; boundary=xyz', '--xyz\r\nContent-Disposition: form-data; name="__proto__"\r\n\r\nx\r\n--xyz--\r\n'],
    ] as const) {
      const response = await api.call(org.manager.token, 'POST', '/api/v1/tickets', payload, { 'content-type': type });
      expect(response.status, payload).toBe(400);
      expect(response.body.error.code).toBe('MALFORMED_MULTIPART');
    }
  });
});

describe('REST API: 404 and 500', () => {
  it('answers unknown routes with the JSON error body', async () => {
    const response = await api.call(org.manager.token, 'GET', '/api/v1/nowhere', undefined, { 'accept-language': 'ru' });
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ error: { code: 'NOT_FOUND', message: 'Не найдено.' } });
    expect((await api.call(org.manager.token, 'DELETE', `/api/v1/tickets/${number}`)).status).toBe(404);
  });

  it('logs an unexpected failure and answers a generic, translated 500 that leaks nothing', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'error' }, new Writable({ write: (chunk: Buffer, _encoding, done) => { lines.push(chunk.toString()); done(); } }));
    const real = createTicketService({ models: db.current.models, clock: () => new Date(), logger, timezone: 'UTC' });
    const failing = { ...real, list: () => Promise.reject(new Error('E11000 duplicate key: mongodb://admin:secret@db/helpdesk')) };
    const broken = await startApi(db.current, { logger, tickets: failing });
    const response = await broken.call(org.manager.token, 'GET', '/api/v1/tickets', undefined, { 'accept-language': 'ru' });
    expect(response.status).toBe(500);
    expect(response.body).toEqual({ error: { code: 'INTERNAL', message: 'Произошла ошибка на нашей стороне. Она записана в журнал.' } });
    expect(JSON.stringify(response.body)).not.toMatch(/E11000|secret|stack/);
    expect(lines.join('')).toContain('E11000 duplicate key');
    await broken.app.close();
  });
});
