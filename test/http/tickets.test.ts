import { Types } from 'mongoose';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/database.js';
import { multipart, seedOrg, startApi, type Org, type TestApi } from '../support/fixtures.js';

const db = useTestDatabase('http_tickets');
let api: TestApi;
let org: Org;

beforeAll(async () => {
  org = await seedOrg(db.current.models);
  api = await startApi(db.current);
});

const open = (token: string, body: object) => api.call(token, 'POST', '/api/v1/tickets', body);

describe('REST API: opening tickets', () => {
  it('opens a ticket from JSON: 201, Location, the public shape', async () => {
    const response = await open(org.requester.token, {
      title: 'Laptop will not boot',
      description: 'Black screen since this morning',
      department: 'it',
      category: 'hardware',
      priority: 'high',
      tags: ['Laptop', 'boot'],
    });
    expect(response.status).toBe(201);
    const ticket = response.body.ticket;
    expect(response.headers.location).toBe(`/api/v1/tickets/${ticket.number}`);
    expect(ticket).toMatchObject({
      title: 'Laptop will not boot',
      status: 'new',
      priority: 'high',
      department: 'it',
      category: 'hardware',
      source: 'api',
      tags: ['laptop', 'boot'],
      requester: { id: org.requester.id, name: 'Rita Requester', email: 'requester@example.test' },
      assignee: null,
      rating: null,
      closedAt: null,
    });
    expect(new Date(ticket.createdAt).toISOString()).toBe(ticket.createdAt);
    for (const hidden of ['staffKeywords', 'publicKeywords', 'lastEvent', '_id', 'requesterId', 'metrics.createdHourOfWeek']) {
      expect(ticket).not.toHaveProperty(hidden);
    }
  });

  it('opens a ticket from a form with files streamed to storage, and serves them back', async () => {
    const photo = Buffer.alloc(5000, 9);
    const form = multipart(
      [['department', 'it'], ['description', 'Printer jams\nTray 2'], ['tags', 'printer, floor3'], ['tags', 'paper'], ['category', '']],
      [
        { name: 'jam.jpg', type: 'image/jpeg', data: photo },
        { field: 'log', name: '../../etc/журнал.txt', type: 'text/html\u00ff', data: Buffer.from('log line') },
      ],
    );
    const response = await api.call(org.requester.token, 'POST', '/api/v1/tickets', form.payload, form.headers);
    expect(response.status).toBe(201);
    const ticket = response.body.ticket;
    expect(ticket).toMatchObject({ title: 'Printer jams', category: null, tags: ['printer', 'floor3', 'paper'] });
    expect(ticket.attachments).toEqual([
      { id: expect.stringMatching(/^[a-f0-9]{24}$/), name: 'jam.jpg', contentType: 'image/jpeg', size: 5000 },
      // Folders stripped from the name; an unusable declared type replaced.
      { id: expect.any(String), name: 'журнал.txt', contentType: 'application/octet-stream', size: 8 },
    ]);
    const file = await api.app.inject({
      method: 'GET',
      url: `/api/v1/tickets/${ticket.number}/attachments/${ticket.attachments[0].id}`,
      headers: { authorization: `Bearer ${org.itAgent.token}` },
    });
    expect(file.statusCode).toBe(200);
    expect(file.rawPayload.equals(photo)).toBe(true);
    expect(file.headers).toMatchObject({
      'content-type': 'image/jpeg',
      'content-disposition': `attachment; filename="jam.jpg"; filename*=UTF-8''jam.jpg`,
      'x-content-type-options': 'nosniff',
    });
    const log = await api.app.inject({
      method: 'GET',
      url: `/api/v1/tickets/${ticket.number}/attachments/${ticket.attachments[1].id.toUpperCase()}`,
      headers: { authorization: `Bearer ${org.requester.token}` },
    });
    expect(log.body).toBe('log line');
    expect(log.headers['content-disposition']).toBe(`attachment; filename="______.txt"; filename*=UTF-8''${encodeURIComponent('журнал.txt')}`);
  });

  it('checks a form with the JSON schema and keeps no file of a refused ticket', async () => {
    const files = () => db.current.connection.db!.collection('attachments.files').countDocuments();
    const before = await files();
    const form = multipart([['department', 'it'], ['priority', 'asap'], ['colour', 'red'], ['title', 'a'], ['title', 'b']], [{ name: 'a.txt', data: Buffer.from('a') }]);
    const response = await api.call(org.requester.token, 'POST', '/api/v1/tickets', form.payload, form.headers);
    expect(response.status).toBe(400);
    expect(response.body.error.fields).toEqual(
      expect.arrayContaining([
        { path: 'body.colour', message: 'unknown field' },
        { path: 'body.priority', message: 'must be one of: low, normal, high, urgent' },
        { path: 'body.title', message: 'must be string' },
      ]),
    );
    const unknown = multipart([['department', 'nope'], ['description', 'x y']], [{ name: 'a.txt', data: Buffer.from('a') }]);
    const refused = await api.call(org.requester.token, 'POST', '/api/v1/tickets', unknown.payload, unknown.headers);
    expect(refused.body.error.fields).toEqual([{ path: 'body.department', message: 'unknown department nope' }]);
    expect(await files()).toBe(before);
  });

  it('refuses inactive departments, unknown categories, and opening for others unless staff', async () => {
    expect((await open(org.requester.token, { description: 'x', department: 'legacy' })).body.error.fields).toEqual([
      { path: 'body.department', message: 'unknown department legacy' },
    ]);
    expect((await open(org.requester.token, { description: 'x', department: 'it', category: 'vacation' })).body.error.fields).toEqual([
      { path: 'body.category', message: 'unknown category vacation in department it' },
    ]);
    expect((await open(org.requester.token, { description: 'x', department: 'it' })).status).toBe(201);
    const forOther = { description: 'Phone for the new hire', department: 'it', requester: org.otherRequester.id };
    expect((await open(org.requester.token, forOther)).body.error.code).toBe('STAFF_ONLY');
    const onBehalf = await open(org.itAgent.token, forOther);
    expect(onBehalf.status).toBe(201);
    expect(onBehalf.body.ticket.requester.name).toBe('Oleg Other');
  });
});

describe('REST API: reading tickets', () => {
  let itTicket: number;
  let hrTicket: number;

  beforeAll(async () => {
    await db.current.models.Ticket.deleteMany({});
    itTicket = (await open(org.requester.token, { description: 'принтер не печатает', department: 'it' })).body.ticket.number;
    await open(org.requester.token, { title: 'Café machine broken', description: 'No coffee on floor 2', department: 'facilities' });
    hrTicket = (await open(org.otherRequester.token, { title: 'Vacation', description: 'From 1 to 14 July', department: 'hr', category: 'vacation' })).body.ticket.number;
    for (let i = 1; i <= 5; i += 1) await open(org.otherRequester.token, { description: `Password reset ${i}`, department: 'it', category: 'access' });
    await api.call(org.itAgent.token, 'POST', `/api/v1/tickets/${itTicket}/take`);
    await api.call(org.itAgent.token, 'POST', `/api/v1/tickets/${itTicket}/comments`, { text: 'toner supplier is Xerox', internal: true });
  });

  it('shows each person what the policy lets them see: another requester’s ticket is 404', async () => {
    expect((await api.call(org.requester.token, 'GET', `/api/v1/tickets/${itTicket}`)).body.ticket.number).toBe(itTicket);
    const hidden = await api.call(org.requester.token, 'GET', `/api/v1/tickets/${hrTicket}`);
    expect(hidden.status).toBe(404);
    expect(hidden.body.error).toEqual({ code: 'TICKET_NOT_FOUND', message: `Ticket #${hrTicket} was not found.` });
    expect((await api.call(org.hrAgent.token, 'GET', `/api/v1/tickets/${itTicket}`)).status).toBe(404);
    expect((await api.call(org.manager.token, 'GET', '/api/v1/tickets/999999')).status).toBe(404);
    expect((await api.call(org.hrAgent.token, 'GET', '/api/v1/tickets')).body.tickets.map((t: { number: number }) => t.number)).toEqual([hrTicket]);
    expect((await api.call(org.requester.token, 'GET', '/api/v1/tickets')).body.total).toBe(2);
    const both = (await api.call(org.itHrAgent.token, 'GET', '/api/v1/tickets?department=hr')).body.tickets.map((t: { number: number }) => t.number);
    expect(both).toEqual([hrTicket]);
    expect((await api.call(org.itHrAgent.token, 'GET', '/api/v1/tickets')).body.total).toBe(7);
    expect((await api.call(org.itHrAgent.token, 'GET', `/api/v1/tickets/${hrTicket}/journal`)).status).toBe(200);
    expect((await api.call(org.manager.token, 'GET', '/api/v1/tickets')).body.total).toBe(8);
  });

  it('hides internal notes from the requester in the journal and in search', async () => {
    const staff = await api.call(org.itAgent.token, 'GET', `/api/v1/tickets/${itTicket}/journal`);
    expect(staff.body.events.map((e: { type: string }) => e.type)).toEqual(['opened', 'taken', 'noted']);
    expect(staff.body.events[2]).toMatchObject({ internal: true, text: 'toner supplier is Xerox', actor: { id: org.itAgent.id, name: 'Ivan Agent' }, via: 'api' });
    const own = await api.call(org.requester.token, 'GET', `/api/v1/tickets/${itTicket}/journal`);
    expect(own.body.events.map((e: { type: string }) => e.type)).toEqual(['opened', 'taken']);
    expect(JSON.stringify(own.body)).not.toContain('Xerox');
    expect(JSON.stringify((await api.call(org.requester.token, 'GET', `/api/v1/tickets/${itTicket}`)).body)).not.toContain('Xerox');
    expect((await api.call(org.requester.token, 'GET', '/api/v1/tickets?q=xerox')).body.total).toBe(0);
    expect((await api.call(org.itAgent.token, 'GET', '/api/v1/tickets?q=xerox')).body.total).toBe(1);
    expect((await api.call(org.otherRequester.token, 'GET', `/api/v1/tickets/${itTicket}/journal`)).status).toBe(404);
  });

  it('searches ignoring case and accents', async () => {
    const titles = async (token: string, q: string) =>
      (await api.call(token, 'GET', `/api/v1/tickets?q=${encodeURIComponent(q)}`)).body.tickets.map((t: { title: string }) => t.title);
    expect(await titles(org.requester.token, 'ПРИНТЕР')).toEqual(['принтер не печатает']);
    expect(await titles(org.requester.token, 'принт')).toEqual(['принтер не печатает']);
    expect(await titles(org.requester.token, 'cafe')).toEqual(['Café machine broken']);
    expect(await titles(org.manager.token, 'CAFÉ')).toEqual(['Café machine broken']);
    expect(await titles(org.otherRequester.token, 'cafe')).toEqual([]);
    expect(await titles(org.manager.token, '$gt .*')).toEqual([]);
  });

  it('filters by status, department, assignee and requester', async () => {
    const numbers = async (query: string, token = org.manager.token) => {
      const response = await api.call(token, 'GET', `/api/v1/tickets?${query}`);
      expect(response.status, query).toBe(200);
      return response.body.tickets.map((t: { number: number }) => t.number) as number[];
    };
    expect(await numbers('status=in_progress')).toEqual([itTicket]);
    expect(await numbers('status=new,in_progress&department=hr')).toEqual([hrTicket]);
    expect(await numbers('status=closed')).toEqual([]);
    expect(await numbers('assignee=me', org.itAgent.token)).toEqual([itTicket]);
    expect(await numbers(`assignee=${org.itAgent.id}`)).toEqual([itTicket]);
    expect((await numbers('assignee=none')).length).toBe(7);
    expect((await numbers('requester=me', org.otherRequester.token)).length).toBe(6);
    expect(await numbers(`requester=${org.requester.id}&department=it`)).toEqual([itTicket]);
  });

  it('pages, newest first by default', async () => {
    const page = (query: string) => api.call(org.manager.token, 'GET', `/api/v1/tickets?${query}`);
    const first = await page('pageSize=3');
    expect(first.body).toMatchObject({ total: 8, page: 1, pageSize: 3 });
    const second = await page('pageSize=3&page=2');
    const third = await page('pageSize=3&page=3');
    const all = [...first.body.tickets, ...second.body.tickets, ...third.body.tickets].map((t: { number: number }) => t.number);
    expect(all).toHaveLength(8);
    expect(all).toEqual([...all].sort((a, b) => b - a));
    expect((await page('pageSize=3&page=9')).body.tickets).toEqual([]);
    expect((await page('sort=oldest&pageSize=1')).body.tickets[0].number).toBe(Math.min(...all));
    expect((await page('pageSize=101')).status).toBe(400);
  });

  it('serves an attachment only to those who may see the event that carries it', async () => {
    const stored = await api.tickets.note(org.itAgent.actor, itTicket, { text: 'screenshot of the admin panel', attachments: [
      { fileId: new Types.ObjectId(), name: 'admin.png', contentType: 'image/png', size: 3 },
    ] }, 'telegram');
    const noteFile = stored.event.attachments[0]!.fileId.toString();
    // Listed on an internal note: staff may ask for it (the bytes are missing here: 404, not a broken 200).
    const staff = await api.call(org.itAgent.token, 'GET', `/api/v1/tickets/${itTicket}/attachments/${noteFile}`);
    expect(staff.status).toBe(404);
    expect(staff.body.error.code).toBe('NOT_FOUND');
    const requester = await api.call(org.requester.token, 'GET', `/api/v1/tickets/${itTicket}/attachments/${noteFile}`);
    expect(requester.body.error.code).toBe('NOT_FOUND');

    const form = multipart([['department', 'hr'], ['description', 'Scan of my passport']], [{ name: 'passport.pdf', type: 'application/pdf', data: Buffer.from('%PDF') }]);
    const opened = (await api.call(org.otherRequester.token, 'POST', '/api/v1/tickets', form.payload, form.headers)).body.ticket;
    const url = `/api/v1/tickets/${opened.number}/attachments/${opened.attachments[0].id}`;
    expect((await api.call(org.hrAgent.token, 'GET', url)).body).toBe('%PDF');
    expect((await api.call(org.requester.token, 'GET', url)).body.error.code).toBe('TICKET_NOT_FOUND');
    expect((await api.call(org.itAgent.token, 'GET', url)).status).toBe(404);
    // A real file, but of another ticket: not reachable through this one.
    expect((await api.call(org.manager.token, 'GET', `/api/v1/tickets/${itTicket}/attachments/${opened.attachments[0].id}`)).status).toBe(404);
  });
});

describe('REST API: departments', () => {
  it('lists active departments with categories, names in the caller’s language', async () => {
    const ru = await api.call(org.requester.token, 'GET', '/api/v1/departments', undefined, { 'accept-language': 'ru-RU' });
    expect(ru.status).toBe(200);
    expect(ru.body.departments.map((d: { id: string }) => d.id)).toEqual(['facilities', 'hr', 'it']);
    expect(ru.body.departments[2]).toEqual({
      id: 'it',
      name: 'ИТ-поддержка',
      names: { en: 'IT support', ru: 'ИТ-поддержка' },
      categories: [
        { id: 'hardware', name: 'Оборудование', names: { en: 'Hardware', ru: 'Оборудование' } },
        { id: 'access', name: 'Доступы', names: { en: 'Access', ru: 'Доступы' } },
      ],
    });
    const en = await api.call(org.requester.token, 'GET', '/api/v1/departments');
    expect(en.body.departments[1]).toMatchObject({ name: 'HR', categories: [{ id: 'vacation', name: 'Vacation' }] });
  });
});
