import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/database.js';
import { multipart, seedOrg, startApi, type Org, type TestApi } from '../support/fixtures.js';

const db = useTestDatabase('http_lifecycle');
let api: TestApi;
let org: Org;

beforeAll(async () => {
  org = await seedOrg(db.current.models);
  api = await startApi(db.current);
});

describe('REST API: a ticket from opening to closing', () => {
  it('journals one event per change, in order, with the actor of each', async () => {
    const screenshot = Buffer.from('PNG-bytes-of-the-error-dialog');
    const form = multipart(
      [['department', 'it'], ['category', 'access'], ['title', 'Cannot log in to the CRM'], ['description', 'Error 403 since Monday'], ['priority', 'high']],
      [{ name: 'error.png', type: 'image/png', data: screenshot }],
    );
    const opened = await api.call(org.requester.token, 'POST', '/api/v1/tickets', form.payload, form.headers);
    expect(opened.status).toBe(201);
    const n: number = opened.body.ticket.number;
    const fileId: string = opened.body.ticket.attachments[0].id;

    const step = async (token: string, method: 'POST' | 'PATCH', path: string, body?: object) => {
      const response = await api.call(token, method, `/api/v1/tickets/${n}${path}`, body);
      expect(response.status, `${method} ${path}: ${JSON.stringify(response.body)}`).toBeLessThan(300);
      return response.body.ticket;
    };
    expect(await step(org.itAgent.token, 'POST', '/take')).toMatchObject({ status: 'in_progress', assignee: { name: 'Ivan Agent' } });
    expect(await step(org.itAgent.token, 'POST', '/comments', { text: 'Which browser do you use?' })).toMatchObject({ commentCount: 1 });
    expect(await step(org.itAgent.token, 'POST', '/wait')).toMatchObject({ status: 'waiting' });
    expect(await step(org.requester.token, 'POST', '/comments', { text: 'Firefox 128' })).toMatchObject({ status: 'in_progress', commentCount: 2 });
    expect(await step(org.itAgent.token, 'POST', '/resolve')).toMatchObject({ status: 'resolved' });
    expect(await step(org.requester.token, 'POST', '/rate', { score: 5, comment: 'Works now' })).toMatchObject({ rating: { score: 5, comment: 'Works now' } });
    const closed = await step(org.requester.token, 'POST', '/close');
    expect(closed).toMatchObject({ status: 'closed' });
    // The version (the journal's sequence, notes included) is staff's; the requester sees none.
    expect(closed).not.toHaveProperty('version');
    expect((await api.call(org.itAgent.token, 'GET', `/api/v1/tickets/${n}`)).body.ticket.version).toBe(8);
    expect(closed.closedAt).toEqual(expect.any(String));
    expect(closed.metrics.firstResponseSeconds).toBeGreaterThanOrEqual(0);
    expect(closed.metrics.resolutionSeconds).toBeGreaterThanOrEqual(0);

    const { body } = await api.call(org.requester.token, 'GET', `/api/v1/tickets/${n}/journal`);
    const events = body.events as { seq: number; type: string; actor: { name: string }; before: object; after: object; text: string | null; via: string; at: string }[];
    expect(events.map((e) => [e.seq, e.type, e.actor.name])).toEqual([
      [1, 'opened', 'Rita Requester'],
      [2, 'taken', 'Ivan Agent'],
      [3, 'replied', 'Ivan Agent'],
      [4, 'status_changed', 'Ivan Agent'],
      [5, 'replied', 'Rita Requester'],
      [6, 'status_changed', 'Ivan Agent'],
      [7, 'rated', 'Rita Requester'],
      [8, 'status_changed', 'Rita Requester'],
    ]);
    expect(events.every((e) => e.via === 'api')).toBe(true);
    expect(events.map((e) => e.at)).toEqual([...events.map((e) => e.at)].sort());
    expect(events[0]).toMatchObject({ text: 'Error 403 since Monday', after: { status: 'new', department: 'it', priority: 'high' } });
    expect(events[3]).toMatchObject({ before: { status: 'in_progress' }, after: { status: 'waiting' } });
    expect(events[4]).toMatchObject({ text: 'Firefox 128', before: { status: 'waiting' }, after: { status: 'in_progress' } });
    expect(events[5]).toMatchObject({ before: { status: 'in_progress' }, after: { status: 'resolved' } });
    expect(events[6]).toMatchObject({ after: { rating: { score: 5, comment: 'Works now' } }, text: 'Works now' });
    expect(events[7]).toMatchObject({ before: { status: 'resolved' }, after: { status: 'closed' } });

    const file = await api.call(org.requester.token, 'GET', `/api/v1/tickets/${n}/attachments/${fileId}`);
    expect(file.body).toBe(screenshot.toString());
    const listed = await api.call(org.requester.token, 'GET', '/api/v1/tickets?status=closed');
    expect(listed.body.tickets.map((t: { number: number }) => t.number)).toEqual([n]);
  });
});
