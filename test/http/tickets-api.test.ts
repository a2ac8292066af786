import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/database.js';
import { buildTestApp, type TestApp } from '../support/http-app.js';
import { multipartBody } from '../support/multipart.js';
import { seedOrg, type OrgFixture } from '../support/org-fixture.js';

const db = useTestDatabase('http_tickets');
let api: TestApp;
let org: OrgFixture;

beforeAll(async () => {
  org = await seedOrg(db.current);
  api = await buildTestApp(db.current);
});

describe('REST API: tickets', () => {
  it('runs a whole lifecycle with an attachment and journals every change in order', async () => {
    const upload = multipartBody(
      { department: 'it', category: 'hardware', description: 'Printer on floor 3 jams\nPaper stuck in tray 2', priority: 'high' },
      [{ field: 'file', name: 'jam.jpg', type: 'image/jpeg', data: Buffer.alloc(3000, 7) }],
    );
    const opened = await api.app.inject({
      method: 'POST',
      url: '/api/v1/tickets',
      payload: upload.payload,
      headers: { ...upload.headers, authorization: `Bearer ${org.requester.token}` },
    });
    expect(opened.statusCode).toBe(201);
    const ticket = opened.json().ticket;
    expect(ticket).toMatchObject({ title: 'Printer on floor 3 jams', status: 'new', priority: 'high', category: 'hardware', source: 'api' });
    expect(ticket.attachments).toEqual([expect.objectContaining({ name: 'jam.jpg', contentType: 'image/jpeg', size: 3000 })]);
    const n = ticket.number;

    const file = await api.app.inject({
      method: 'GET',
      url: `/api/v1/tickets/${n}/attachments/${ticket.attachments[0].id}`,
      headers: { authorization: `Bearer ${org.agent.token}` },
    });
    expect(file.statusCode).toBe(200);
    expect(file.rawPayload.equals(Buffer.alloc(3000, 7))).toBe(true);

    expect((await api.call(org.agent.token, 'POST', `/api/v1/tickets/${n}/take`)).body.ticket).toMatchObject({ status: 'in_progress', assignee: { name: 'Agent' } });
    expect((await api.call(org.agent.token, 'POST', `/api/v1/tickets/${n}/comments`, { text: 'Opening the tray now' })).status).toBe(201);
    expect((await api.call(org.agent.token, 'POST', `/api/v1/tickets/${n}/comments`, { text: 'roller worn out', internal: true })).status).toBe(201);
    expect((await api.call(org.agent.token, 'POST', `/api/v1/tickets/${n}/wait`)).body.ticket.status).toBe('waiting');
    expect((await api.call(org.requester.token, 'POST', `/api/v1/tickets/${n}/comments`, { text: 'Works again, thanks' })).body.ticket.status).toBe('in_progress');
    expect((await api.call(org.agent.token, 'PATCH', `/api/v1/tickets/${n}`, { priority: 'normal' })).body.ticket.priority).toBe('normal');
    expect((await api.call(org.agent.token, 'POST', `/api/v1/tickets/${n}/resolve`)).body.ticket.status).toBe('resolved');
    expect((await api.call(org.requester.token, 'POST', `/api/v1/tickets/${n}/rate`, { score: 5, comment: 'fast' })).body.ticket.rating).toMatchObject({ score: 5, comment: 'fast' });
    expect((await api.call(org.requester.token, 'POST', `/api/v1/tickets/${n}/close`)).body.ticket.status).toBe('closed');

    const staff = await api.call(org.agent.token, 'GET', `/api/v1/tickets/${n}/journal`);
    expect(staff.body.events.map((e: { type: string }) => e.type)).toEqual([
      'opened', 'taken', 'replied', 'noted', 'status_changed', 'replied', 'priority_changed', 'status_changed', 'rated', 'status_changed',
    ]);
    expect(staff.body.events.map((e: { actor: { name: string } }) => e.actor.name)).toEqual([
      'Requester', 'Agent', 'Agent', 'Agent', 'Agent', 'Requester', 'Agent', 'Agent', 'Requester', 'Requester',
    ]);
    expect(staff.body.events[4]).toMatchObject({ before: { status: 'in_progress' }, after: { status: 'waiting' } });
    const own = await api.call(org.requester.token, 'GET', `/api/v1/tickets/${n}/journal`);
    expect(own.body.events.some((e: { internal: boolean }) => e.internal)).toBe(false);
    expect(JSON.stringify(own.body)).not.toContain('roller worn out');
    const viewed = await api.call(org.requester.token, 'GET', `/api/v1/tickets/${n}`);
    expect(viewed.body.ticket).not.toHaveProperty('staffKeywords');
    expect(viewed.body.ticket.metrics.firstResponseSeconds).toBeGreaterThanOrEqual(0);
  });

  it('lists what each person may see, filters, searches and pages', async () => {
    const open = (token: string, body: object) => api.call(token, 'POST', '/api/v1/tickets', body);
    await open(org.requester.token, { description: 'Принтер не печатает', department: 'it' });
    await open(org.otherRequester.token, { description: 'Café machine is broken', department: 'facilities' });
    await open(org.otherRequester.token, { title: 'Vacation request', description: 'From 1 to 14 July', department: 'hr', category: 'vacation' });

    const mine = await api.call(org.otherRequester.token, 'GET', '/api/v1/tickets');
    expect(mine.body.total).toBe(2);
    expect((await api.call(org.requester.token, 'GET', '/api/v1/tickets?q=ПРИНТЕР')).body.total).toBe(1);
    expect((await api.call(org.otherRequester.token, 'GET', '/api/v1/tickets?q=cafe')).body.tickets[0].title).toBe('Café machine is broken');
    expect((await api.call(org.requester.token, 'GET', '/api/v1/tickets?q=cafe')).body.total).toBe(0);
    expect((await api.call(org.hrAgent.token, 'GET', '/api/v1/tickets')).body.tickets.map((t: { department: string }) => t.department)).toEqual(['hr']);
    expect((await api.call(org.manager.token, 'GET', '/api/v1/tickets?department=it&status=new')).body.tickets.every((t: { department: string; status: string }) => t.department === 'it' && t.status === 'new')).toBe(true);
    expect((await api.call(org.manager.token, 'GET', '/api/v1/tickets?assignee=none&status=new,in_progress')).body.total).toBeGreaterThanOrEqual(3);
    expect((await api.call(org.requester.token, 'GET', '/api/v1/tickets?requester=me')).body.total).toBe(2);
    const page1 = await api.call(org.manager.token, 'GET', '/api/v1/tickets?pageSize=2&page=1');
    const page2 = await api.call(org.manager.token, 'GET', '/api/v1/tickets?pageSize=2&page=2');
    expect(page1.body.tickets).toHaveLength(2);
    expect(page2.body.tickets[0].number).toBeLessThan(page1.body.tickets[1].number);
    expect(page1.body.total).toBe(4);
  });

  it('lets coordinators assign and transfer, and managers correct a department', async () => {
    const { body } = await api.call(org.requester.token, 'POST', '/api/v1/tickets', { description: 'Need VPN', department: 'it', category: 'access' });
    const n = body.ticket.number;
    const assigned = await api.call(org.coordinator.token, 'PATCH', `/api/v1/tickets/${n}`, { assignee: org.agent2.actor.id.toString() });
    expect(assigned.body.ticket.assignee.name).toBe('Agent2');
    const released = await api.call(org.coordinator.token, 'PATCH', `/api/v1/tickets/${n}`, { assignee: null });
    expect(released.body.ticket.assignee).toBeNull();
    const moved = await api.call(org.manager.token, 'PATCH', `/api/v1/tickets/${n}`, { department: 'hr', category: 'vacation' });
    expect(moved.body.ticket).toMatchObject({ department: 'hr', category: 'vacation', status: 'new' });
    expect((await api.call(org.coordinator.token, 'GET', `/api/v1/tickets/${n}`)).status).toBe(404);
    expect((await api.call(org.manager.token, 'POST', `/api/v1/tickets/${n}/resolve`)).status).toBe(200);
    expect((await api.call(org.coordinator.token, 'POST', `/api/v1/tickets/${n}/reopen`)).status).toBe(404);
    expect((await api.call(org.manager.token, 'POST', `/api/v1/tickets/${n}/reopen`)).body.ticket.metrics.reopenCount).toBe(1);
  });

  it('lists departments in the caller language and tells who the token is', async () => {
    const departments = await api.call(org.requester.token, 'GET', '/api/v1/departments', undefined, { 'accept-language': 'ru' });
    expect(departments.body.departments.map((d: { id: string }) => d.id)).toEqual(['facilities', 'hr', 'it']);
    const it = departments.body.departments.find((d: { id: string }) => d.id === 'it');
    expect(it).toMatchObject({ name: 'ИТ-поддержка', categories: [{ id: 'hardware', name: 'Оборудование' }, { id: 'access', name: 'Доступы' }] });
    expect((await api.call(org.coordinator.token, 'GET', '/api/v1/me')).body).toMatchObject({ name: 'Coordinator', role: 'coordinator', departments: ['it'] });
  });

  it('serves health, readiness and a valid OpenAPI document listing every route', async () => {
    expect((await api.call(null, 'GET', '/healthz')).body).toEqual({ status: 'ok' });
    expect((await api.call(null, 'GET', '/readyz')).body).toEqual({ status: 'ready' });
    const docs = (await api.call(null, 'GET', '/docs/json')).body;
    expect(docs.openapi).toMatch(/^3\./);
    const routes = Object.entries(docs.paths as Record<string, object>).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    for (const route of [
      'POST /api/v1/tickets', 'GET /api/v1/tickets', 'GET /api/v1/tickets/{number}', 'PATCH /api/v1/tickets/{number}',
      'POST /api/v1/tickets/{number}/comments', 'POST /api/v1/tickets/{number}/take', 'POST /api/v1/tickets/{number}/release',
      'POST /api/v1/tickets/{number}/resolve', 'POST /api/v1/tickets/{number}/close', 'POST /api/v1/tickets/{number}/reopen',
      'GET /api/v1/tickets/{number}/journal', 'GET /api/v1/departments',
    ]) {
      expect(routes).toContain(route);
    }
    expect((await api.app.inject({ method: 'GET', url: '/docs' })).statusCode).toBeLessThan(400);
  });
});
