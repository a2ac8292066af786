import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/database.js';
import { seedOrg, startApi, type Org, type TestApi } from '../support/fixtures.js';

const db = useTestDatabase('http_requester_view');
let api: TestApi;
let org: Org;

beforeAll(async () => {
  org = await seedOrg(db.current.models);
  api = await startApi(db.current);
});

describe("REST API: the requester's own view tells nothing of internal notes", () => {
  it('counts public comments only, hides the version, and numbers the journal without gaps', async () => {
    const { number } = (await api.call(org.requester.token, 'POST', '/api/v1/tickets', { description: 'VPN drops', department: 'it' })).body.ticket;
    await api.call(org.itAgent.token, 'POST', `/api/v1/tickets/${number}/take`);
    await api.call(org.itAgent.token, 'POST', `/api/v1/tickets/${number}/comments`, { text: 'Probably the new firewall rule', internal: true });
    await api.call(org.itAgent.token, 'POST', `/api/v1/tickets/${number}/comments`, { text: 'Checking the tunnel', internal: true });
    await api.call(org.itAgent.token, 'POST', `/api/v1/tickets/${number}/comments`, { text: 'Please try again now' });

    const staff = (await api.call(org.itAgent.token, 'GET', `/api/v1/tickets/${number}`)).body.ticket;
    expect(staff).toMatchObject({ commentCount: 3, version: 5 });
    const own = (await api.call(org.requester.token, 'GET', `/api/v1/tickets/${number}`)).body.ticket;
    expect(own.commentCount).toBe(1);
    expect(own).not.toHaveProperty('version');
    const listed = (await api.call(org.requester.token, 'GET', '/api/v1/tickets?requester=me')).body.tickets.find((t: { number: number }) => t.number === number);
    expect(listed.commentCount).toBe(1);
    expect(listed).not.toHaveProperty('version');

    const journal = (await api.call(org.requester.token, 'GET', `/api/v1/tickets/${number}/journal`)).body.events as { seq: number; type: string }[];
    expect(journal.map((event) => [event.seq, event.type])).toEqual([
      [1, 'opened'],
      [2, 'taken'],
      [3, 'replied'],
    ]);
    // The requester's own reply answers with its place in what they see, not in the journal.
    const answered = await api.call(org.requester.token, 'POST', `/api/v1/tickets/${number}/comments`, { text: 'Works, thanks' });
    expect(answered.status).toBe(201);
    expect(answered.body.event.seq).toBe(4);
    expect(answered.body.ticket.commentCount).toBe(2);
    expect(answered.body.ticket).not.toHaveProperty('version');
    const staffJournal = (await api.call(org.itAgent.token, 'GET', `/api/v1/tickets/${number}/journal`)).body.events as { seq: number }[];
    expect(staffJournal.map((event) => event.seq)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
