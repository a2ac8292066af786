import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/database.js';
import { signSlackRequest } from './support/signed-requests.js';
import { SIGNING_SECRET, startSlackHarness, type SlackHarness } from './support/harness.js';

const db = useTestDatabase('slack_receiver');
let h: SlackHarness;

beforeAll(async () => {
  h = await startSlackHarness(db);
});

afterAll(async () => {
  await h?.close();
});

const command = (user: string) =>
  new URLSearchParams({ command: '/helpdesk', text: 'help', user_id: user, user_name: 'x', channel_id: 'C1', team_id: 'T0TEST01', trigger_id: 't', response_url: 'http://127.0.0.1:9/none' }).toString();

describe('slack: requests over HTTP', () => {
  it('answers the URL verification challenge of a signed request', async () => {
    const answer = await h.sender.urlVerification('challenge-123');
    expect(answer.status).toBe(200);
    expect(answer.json()).toEqual({ challenge: 'challenge-123' });
  });

  it('refuses a bad signature with 401, and logs it', async () => {
    const answer = await h.sender.post(command(h.people.rita.user.id), 'application/x-www-form-urlencoded', { signature: 'v0=' + 'ab'.repeat(32) });
    expect(answer.status).toBe(401);
    const unsigned = await fetch(h.sender.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"url_verification","challenge":"x"}' });
    expect(unsigned.status).toBe(401);
    expect(h.log.find('slack request refused: bad signature or stale timestamp').length).toBeGreaterThanOrEqual(2);
  });

  it('refuses a request signed more than five minutes ago with 401, even with a right signature', async () => {
    const body = command(h.people.rita.user.id);
    const stale = Math.floor(Date.now() / 1000) - 6 * 60;
    const answer = await h.sender.post(body, 'application/x-www-form-urlencoded', { timestamp: stale, signature: signSlackRequest(SIGNING_SECRET, body, stale) });
    expect(answer.status).toBe(401);
    const future = Math.floor(Date.now() / 1000) + 6 * 60;
    expect((await h.sender.post(body, 'application/x-www-form-urlencoded', { timestamp: future, signature: signSlackRequest(SIGNING_SECRET, body, future) })).status).toBe(401);
    // A body changed after signing fails too.
    const now = Math.floor(Date.now() / 1000);
    expect((await h.sender.post(body.replace('help', 'mine'), 'application/x-www-form-urlencoded', { timestamp: now, signature: signSlackRequest(SIGNING_SECRET, body, now) })).status).toBe(401);
    expect(h.fake.allResponses).toHaveLength(0);
  });

  it('handles an event once when Slack sends it again (X-Slack-Retry-Num) or twice by mistake', async () => {
    const rita = h.people.rita.user;
    const event = { type: 'app_home_opened', user: rita.id, channel: h.fake.dmOf(rita.id), tab: 'home', event_ts: '1.1' };
    const first = await h.sender.event(event, { eventId: 'Ev0RETRY01' });
    expect(first.status).toBe(200);
    await h.waitFor(() => h.fake.callsOf('views.publish').length === 1, 'home published');
    const retried = await h.sender.event(event, { eventId: 'Ev0RETRY01', retryNum: 1, retryReason: 'http_timeout' });
    const again = await h.sender.event(event, { eventId: 'Ev0RETRY01' });
    expect([retried.status, again.status]).toEqual([200, 200]);
    // A fresh event is handled: the duplicates were dropped, not delayed.
    await h.sender.event(event, { eventId: 'Ev0RETRY02' });
    await h.waitFor(() => h.fake.callsOf('views.publish').length === 2, 'second home publish');
    expect(h.fake.callsOf('views.publish')).toHaveLength(2);
    expect(h.log.find('slack event already processed: skipped')).toHaveLength(2);
  });

  it('acknowledges at once and finishes slow work after the answer', async () => {
    // A ticket opened with a file: the submission is answered before the file is fetched and the ticket opened.
    const view = await h.openNewTicketModal(h.people.rita.user);
    const file = h.fake.addUserFile({ name: 'log.txt', mimetype: 'text/plain', data: Buffer.from('x'.repeat(1000)) });
    h.fake.failNext('conversations.open', { status: 503, times: 2 });
    const started = Date.now();
    const answer = await h.submitNewTicket(h.people.rita.user, String(view.id), { department: 'it', description: 'Slow work', files: [file] });
    const answeredIn = Date.now() - started;
    expect(answer.status).toBe(200);
    expect(answer.body).toBe('');
    // Two 503s are retried by the client after the answer; the ticket and its DM thread still arrive.
    await h.waitFor(() => h.dmThread(h.people.rita.user).find((m) => m.text.includes('Slow work') || m.text.includes('is open')), 'DM confirmation after retries');
    expect(answeredIn).toBeLessThan(3000);
    expect(await h.models.Ticket.countDocuments({ title: 'Slow work' })).toBe(1);
  });

  it('answers 400 to a signed body that is not Slack JSON or form data', async () => {
    const answer = await h.sender.post('{not json', 'application/json');
    expect(answer.status).toBe(400);
  });
});
