import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/database.js';
import { seedOrg, startApi, type Org, type TestApi } from '../support/fixtures.js';

const db = useTestDatabase('http_actions');
let api: TestApi;
let org: Org;

beforeAll(async () => {
  org = await seedOrg(db.current.models);
  api = await startApi(db.current);
});

async function newTicket(body: object = { description: 'Monitor flickers', department: 'it' }, token = org.requester.token): Promise<number> {
  const response = await api.call(token, 'POST', '/api/v1/tickets', body);
  expect(response.status).toBe(201);
  return response.body.ticket.number;
}

const act = (token: string, number: number, action: string, body?: object) =>
  api.call(token, 'POST', `/api/v1/tickets/${number}/${action}`, body);
const patch = (token: string, number: number, body: unknown) => api.call(token, 'PATCH', `/api/v1/tickets/${number}`, body);
const journal = async (number: number) =>
  (await api.call(org.manager.token, 'GET', `/api/v1/tickets/${number}/journal`)).body.events.map((e: { type: string }) => e.type);

describe('REST API: actions', () => {
  it('takes, releases, waits, resumes, resolves, closes and reopens, answering the ticket and the event', async () => {
    const n = await newTicket();
    const take = await act(org.itAgent.token, n, 'take');
    expect(take.status).toBe(200);
    expect(take.body.ticket).toMatchObject({ status: 'in_progress', assignee: { id: org.itAgent.id, name: 'Ivan Agent' } });
    expect(take.body.event).toMatchObject({ type: 'taken', seq: 2, actor: { name: 'Ivan Agent' }, after: { assigneeId: org.itAgent.id, status: 'in_progress' } });
    expect((await act(org.itAgent.token, n, 'release')).body.ticket).toMatchObject({ status: 'new', assignee: null });
    expect((await act(org.itAgent2.token, n, 'take')).body.ticket.assignee.name).toBe('Inna Agent');
    expect((await act(org.itAgent2.token, n, 'wait')).body.ticket.status).toBe('waiting');
    expect((await act(org.itAgent2.token, n, 'resume')).body.ticket.status).toBe('in_progress');
    const resolved = await act(org.itAgent2.token, n, 'resolve', {});
    expect(resolved.body.ticket.status).toBe('resolved');
    expect(resolved.body.ticket.metrics.resolvedAt).toEqual(expect.any(String));
    expect((await act(org.requester.token, n, 'reopen')).body.ticket).toMatchObject({ status: 'in_progress', metrics: { reopenCount: 1 } });
    expect((await act(org.requester.token, n, 'close')).body.ticket.status).toBe('closed');
    expect((await act(org.requester.token, n, 'reopen')).status).toBe(403);
    expect((await act(org.itCoordinator.token, n, 'reopen')).body.ticket).toMatchObject({ status: 'in_progress', closedAt: null });
    expect(await journal(n)).toEqual(['opened', 'taken', 'released', 'taken', 'status_changed', 'status_changed', 'status_changed', 'status_changed', 'status_changed', 'status_changed']);
  });

  it('comments: replies for everyone who sees the ticket, internal notes for staff only', async () => {
    const n = await newTicket();
    const reply = await act(org.itAgent.token, n, 'comments', { text: 'Which model?' });
    expect(reply.status).toBe(201);
    expect(reply.body.event).toMatchObject({ type: 'replied', internal: false, text: 'Which model?' });
    expect(reply.body.ticket.metrics.firstResponseAt).toEqual(expect.any(String));
    expect((await act(org.itAgent.token, n, 'comments', { text: 'probably the cable', internal: true })).body.event).toMatchObject({ type: 'noted', internal: true });
    expect((await act(org.requester.token, n, 'comments', { text: 'Dell U2720', internal: false })).status).toBe(201);
    expect((await act(org.requester.token, n, 'comments', { text: 'let me see notes', internal: true })).body.error.code).toBe('FORBIDDEN');
    expect((await act(org.otherRequester.token, n, 'comments', { text: 'hi' })).status).toBe(404);
    expect((await act(org.itAgent.token, n, 'comments', { text: '   ' })).body.error).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ path: 'body.text', message: 'required' }] });
    expect((await act(org.itAgent.token, n, 'comments', {})).body.error.fields).toEqual([{ path: 'body.text', message: 'required' }]);
  });

  it('rates a resolved ticket, requester only, 1 to 5', async () => {
    const n = await newTicket();
    const early = await act(org.requester.token, n, 'rate', { score: 5 });
    expect(early.status).toBe(409);
    expect(early.body.error).toEqual({ code: 'INVALID_TRANSITION', message: `Ticket #${n} is new: cannot rate it.` });
    await act(org.itAgent.token, n, 'resolve');
    expect((await act(org.itAgent.token, n, 'rate', { score: 5 })).status).toBe(403);
    expect((await act(org.requester.token, n, 'rate', { score: 0 })).body.error.fields).toEqual([{ path: 'body.score', message: 'must be >= 1' }]);
    expect((await act(org.requester.token, n, 'rate', { score: 4.5 })).status).toBe(400);
    expect((await act(org.requester.token, n, 'rate', { score: '5' })).status).toBe(400);
    const rated = await act(org.requester.token, n, 'rate', { score: 4, comment: 'quick, thanks' });
    expect(rated.body.ticket.rating).toEqual({ score: 4, comment: 'quick, thanks', at: expect.any(String) });
    expect((await act(org.requester.token, n, 'rate', { score: 5, comment: null })).body.ticket.rating).toMatchObject({ score: 5, comment: null });
  });

  it('403 when the policy refuses: a requester taking, an agent of another department acting', async () => {
    const n = await newTicket();
    const requesterTakes = await act(org.requester.token, n, 'take');
    expect(requesterTakes.status).toBe(403);
    expect(requesterTakes.body.error).toEqual({ code: 'FORBIDDEN', message: `You are not allowed to do this with ticket #${n}.` });
    // An HR agent who opened an IT ticket sees it (as its requester) but may not work on it.
    const own = await newTicket({ description: 'My badge does not open the door', department: 'it' }, org.hrAgent.token);
    for (const action of ['take', 'wait', 'resolve']) expect((await act(org.hrAgent.token, own, action)).status, action).toBe(403);
    expect((await patch(org.hrAgent.token, own, { priority: 'urgent' })).status).toBe(403);
    // Not visible at all: 404, so the ticket's existence does not leak.
    expect((await act(org.hrAgent.token, n, 'take')).status).toBe(404);
    expect((await act(org.itAgent.token, n, 'reopen')).status).toBe(403);
    expect((await patch(org.itAgent.token, n, { department: 'hr' })).body.error.code).toBe('FORBIDDEN');
  });

  it('404 for unknown tickets on every action', async () => {
    for (const action of ['take', 'release', 'wait', 'resume', 'resolve', 'close', 'reopen']) {
      expect((await act(org.manager.token, 987654, action)).body.error.code, action).toBe('TICKET_NOT_FOUND');
    }
    expect((await act(org.manager.token, 987654, 'comments', { text: 'x' })).status).toBe(404);
    expect((await act(org.manager.token, 987654, 'rate', { score: 3 })).status).toBe(404);
    expect((await patch(org.manager.token, 987654, { priority: 'low' })).status).toBe(404);
  });

  it('409: of two concurrent takes exactly one wins, the other names the winner', async () => {
    for (let round = 0; round < 3; round += 1) {
      const n = await newTicket();
      const [a, b] = await Promise.all([act(org.itAgent.token, n, 'take'), act(org.itAgent2.token, n, 'take')]);
      expect([a.status, b.status].sort()).toEqual([200, 409]);
      const [winner, loser] = a.status === 200 ? [a, b] : [b, a];
      const winnerName = winner.body.ticket.assignee.name;
      expect(loser.body.error).toEqual({ code: 'TICKET_ALREADY_TAKEN', message: `Ticket #${n} is already taken by ${winnerName}.` });
      expect(await journal(n)).toEqual(['opened', 'taken']);
    }
  });

  it('409 for invalid transitions and no-ops, and nothing changes', async () => {
    const n = await newTicket();
    expect((await act(org.itAgent.token, n, 'resume')).body.error.code).toBe('INVALID_TRANSITION');
    expect((await act(org.itAgent.token, n, 'release')).body.error.code).toBe('FORBIDDEN');
    expect((await act(org.itCoordinator.token, n, 'release')).body.error.code).toBe('ALREADY_IN_STATE');
    await act(org.itAgent.token, n, 'take');
    expect((await act(org.itAgent.token, n, 'take')).body.error.code).toBe('ALREADY_IN_STATE');
    expect((await act(org.itAgent.token, n, 'close')).status).toBe(200);
    const resolve = await api.call(org.itAgent.token, 'POST', `/api/v1/tickets/${n}/resolve`, undefined, { 'accept-language': 'ru' });
    expect(resolve.status).toBe(409);
    expect(resolve.body.error).toEqual({ code: 'INVALID_TRANSITION', message: `Заявка #${n} в статусе «closed»: сначала откройте её снова, затем повторите «resolve».` });
    // Taking a closed ticket is refused for what it is (closed), not as "already taken".
    const take = await act(org.itCoordinator.token, n, 'take');
    expect(take.body.error).toEqual({ code: 'INVALID_TRANSITION', message: `Ticket #${n} is closed: reopen it first, then take it.` });
    expect((await act(org.requester.token, n, 'comments', { text: 'hello?' })).status).toBe(409);
    expect((await patch(org.itAgent.token, n, { priority: 'low' })).body.error.code).toBe('INVALID_TRANSITION');
    expect(await journal(n)).toEqual(['opened', 'taken', 'status_changed']);
  });

  it('accepts no body, an empty JSON body or {} on bodyless actions, and refuses fields there', async () => {
    const n = await newTicket();
    expect((await act(org.itAgent.token, n, 'take')).status).toBe(200);
    expect((await api.call(org.itAgent.token, 'POST', `/api/v1/tickets/${n}/wait`, '', { 'content-type': 'application/json' })).status).toBe(200);
    expect((await act(org.itAgent.token, n, 'resume', {})).status).toBe(200);
    const extra = await act(org.itAgent.token, n, 'resolve', { note: 'done' });
    expect(extra.body.error).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ path: 'body.note', message: 'unknown field' }] });
  });
});

describe('REST API: PATCH /tickets/:number', () => {
  it('sets priority, assigns, releases, transfers and recategorizes through the service', async () => {
    const n = await newTicket({ description: 'Need VPN', department: 'it', category: 'access' });
    const priority = await patch(org.itAgent.token, n, { priority: 'urgent' });
    expect(priority.body.ticket.priority).toBe('urgent');
    expect(priority.body.events.map((e: { type: string }) => e.type)).toEqual(['priority_changed']);
    expect((await patch(org.itCoordinator.token, n, { assignee: org.itAgent2.id })).body.ticket.assignee.name).toBe('Inna Agent');
    expect((await patch(org.itCoordinator.token, n, { assignee: null })).body.ticket.assignee).toBeNull();
    expect((await patch(org.itCoordinator.token, n, { category: 'hardware' })).body.ticket).toMatchObject({ department: 'it', category: 'hardware' });
    const moved = await patch(org.manager.token, n, { department: 'hr', category: 'vacation', assignee: org.hrAgent.id, priority: 'low' });
    expect(moved.status).toBe(200);
    expect(moved.body.ticket).toMatchObject({ department: 'hr', category: 'vacation', priority: 'low', status: 'in_progress', assignee: { name: 'Hanna Hr' } });
    expect(moved.body.events.map((e: { type: string }) => e.type)).toEqual(['priority_changed', 'transferred', 'assigned']);
    // The IT coordinator no longer sees it.
    expect((await patch(org.itCoordinator.token, n, { priority: 'high' })).status).toBe(404);
  });

  it('is idempotent: values already set are skipped', async () => {
    const n = await newTicket();
    await patch(org.manager.token, n, { priority: 'high' });
    const again = await patch(org.manager.token, n, { priority: 'high', department: 'it' });
    expect(again.status).toBe(200);
    expect(again.body.events).toEqual([]);
    expect(await journal(n)).toEqual(['opened', 'priority_changed']);
  });

  it('checks every field before writing anything', async () => {
    const n = await newTicket();
    const bad = await patch(org.manager.token, n, { priority: 'urgent', department: 'hr', category: 'hardware', assignee: org.requester.id });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toEqual([
      { path: 'body.category', message: 'unknown category hardware in department hr' },
      { path: 'body.assignee', message: 'not an agent of department hr' },
    ]);
    expect((await patch(org.manager.token, n, { department: 'legacy' })).body.error.fields).toEqual([{ path: 'body.department', message: 'unknown department legacy' }]);
    expect((await patch(org.manager.token, n, { assignee: '0123456789abcdef01234567' })).body.error.fields).toEqual([
      { path: 'body.assignee', message: 'no active person with this id' },
    ]);
    // An agent may set the priority but not transfer: refused before the priority is written.
    expect((await patch(org.itAgent.token, n, { priority: 'low', department: 'hr' })).body.error).toMatchObject({ code: 'FORBIDDEN' });
    const schema = await patch(org.manager.token, n, { priority: 'asap', assignee: 'me', colour: 'red' });
    expect(schema.body.error.fields.map((f: { path: string }) => f.path).sort()).toEqual(['body.assignee', 'body.colour', 'body.priority']);
    expect((await patch(org.manager.token, n, {})).status).toBe(400);
    expect(await journal(n)).toEqual(['opened']);
  });
});
