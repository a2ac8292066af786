import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/database.js';
import { startSlackHarness, type SlackHarness } from './support/harness.js';

const db = useTestDatabase('slack_limits');
let h: SlackHarness;
const PACE_MS = 150;

beforeAll(async () => {
  h = await startSlackHarness(db, { limits: { channelIntervalMs: PACE_MS }, maxFileBytes: 1024 });
});

afterAll(async () => {
  await h?.close();
});

const text = (value: unknown) => JSON.stringify(value ?? '');
const open = async (department: string, description: string) =>
  (await h.tickets.open(h.people.rita.actor, { department, description, source: 'slack' }, 'slack')).number;

describe('slack: within the platform limits', () => {
  it('spaces messages into one channel', async () => {
    const before = h.fake.postTimes(h.channels.it.id).length;
    await Promise.all([open('it', 'Pace one'), open('it', 'Pace two'), open('it', 'Pace three'), open('it', 'Pace four')]);
    await h.settle();
    const times = h.fake.postTimes(h.channels.it.id).slice(before);
    expect(times.length).toBeGreaterThanOrEqual(4);
    // Arrival times jitter with the machine's load; their span cannot be shorter than the pace allows.
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual((times.length - 1) * PACE_MS - 60);
  });

  it('waits out a 429 as Retry-After says, and drops nothing', async () => {
    h.fake.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    const started = Date.now();
    const number = await open('it', 'Rate limited card');
    const card = await h.cardShowing(h.channels.it.id, number, 'Rate limited card');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(h.fake.messages(h.channels.it.id).filter((m) => m.ts === card.ts)).toHaveLength(1);
    expect(h.fake.botMessages(h.channels.it.id).filter((m) => text(m.blocks).includes('Rate limited card'))).toHaveLength(1);
  });

  it('retries a card later when Slack is down, and posts it once', async () => {
    h.fake.failNext('chat.postMessage', { status: 503, times: 6 });
    const number = await open('it', 'Slack was down');
    await h.cardShowing(h.channels.it.id, number, 'Slack was down');
    await h.settle();
    expect(h.fake.botMessages(h.channels.it.id).filter((m) => text(m.blocks).includes('Slack was down'))).toHaveLength(1);
    expect(h.log.find('card delivery failed: will retry').length).toBeGreaterThanOrEqual(1);
  });

  it('reports a missing scope to the admins by DM, gives that card up, and goes on with the rest', async () => {
    h.fake.failNext('chat.postMessage', { error: 'missing_scope', needed: 'chat:write.public', provided: 'chat:write' });
    const lost = await open('hr', 'Needs a scope');
    await h.settle();
    const alert = await h.waitFor(() => h.dmThread(h.people.ada.user).find((m) => m.text.includes('missing_scope')), 'admin alert');
    expect(alert.text).toContain('chat:write.public');
    expect(h.log.find('slack: the app is not allowed to do this; an admin must fix it')[0]).toMatchObject({ code: 'missing_scope', level: 50 });
    expect(await h.models.CardMessage.countDocuments({ ticketNumber: lost })).toBe(0);
    const fine = await open('it', 'Still working');
    await h.cardShowing(h.channels.it.id, fine, 'Still working');
  });

  it('tells the admins once when the app was removed from a department channel', async () => {
    h.fake.removeBotFrom(h.channels.hr.id);
    await open('hr', 'Removed one');
    await open('hr', 'Removed two');
    await h.settle();
    await h.waitFor(() => h.dmThread(h.people.ada.user).find((m) => m.text.includes('not_in_channel')), 'admin alert');
    expect(h.dmThread(h.people.ada.user).filter((m) => m.text.includes('not_in_channel'))).toHaveLength(1);
    // The channel_left event Slack sends then is reported as well, once.
    await h.sender.event({ type: 'channel_left', channel: h.channels.hr.id, actor_id: h.people.ada.user.id });
    await h.waitFor(() => h.dmThread(h.people.ada.user).find((m) => m.text.includes('removed_from_channel')), 'channel_left alert');
  });

  it('refuses a comment with an oversized file whole, with a clear message', async () => {
    const number = await h.openTicket(h.people.rita.user, { department: 'it', description: 'Needs a big file' });
    const root = await h.waitFor(() => h.dmThread(h.people.rita.user).find((m) => m.text.includes(`#${number}`)), 'thread');
    const big = h.fake.addUserFile({ name: 'dump.bin', mimetype: 'application/octet-stream', data: Buffer.alloc(4096) });
    await h.sender.messageEvent(h.people.rita.user, root.channel, 'Here is the dump', { threadTs: root.ts, files: [big] });
    await h.waitFor(() => h.fake.ephemerals(h.people.rita.user.id).find((m) => m.text.includes('«dump.bin» is too large')) ?? h.dmThread(h.people.rita.user).find((m) => m.text.includes('«dump.bin» is too large')), 'refusal');
    expect(await h.models.JournalEvent.countDocuments({ ticketNumber: number, type: 'replied' })).toBe(0);
  });
});
