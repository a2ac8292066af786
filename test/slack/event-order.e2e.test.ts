import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventOrderKey } from '../../bots/slack/runtime/event-order.js';
import { useTestDatabase } from '../support/database.js';
import { startSlackHarness, type SlackHarness } from './support/harness.js';

const db = useTestDatabase('slack_event_order');
let h: SlackHarness;

beforeAll(async () => {
  h = await startSlackHarness(db);
});

afterAll(async () => {
  await h?.close();
});

async function openWithThread(description: string) {
  const number = await h.openTicket(h.people.rita.user, { department: 'it', description });
  const root = await h.waitFor(() => h.dmThread(h.people.rita.user).find((m) => m.text.includes(`#${number}`)), 'the DM thread of the ticket');
  return { number, root };
}

describe('slack: events of one dialog in order, of different dialogs side by side', () => {
  it('keys a message by conversation, thread and person, and holds nothing else', () => {
    expect(eventOrderKey({ event: { type: 'message', channel: 'D1', user: 'U1', thread_ts: '1.2' } })).toBe('D1:1.2:U1');
    expect(eventOrderKey({ event: { type: 'message', channel: 'D1', user: 'U1' } })).toBe('D1::U1');
    expect(eventOrderKey({ event: { type: 'app_home_opened', user: 'U1' } })).toBeNull();
    expect(eventOrderKey({ type: 'block_actions', actions: [] })).toBeNull();
  });

  it("journals a requester's quick comments in the order they were sent, on two tickets at once", async () => {
    const first = await openWithThread('Order one');
    const second = await openWithThread('Order two');
    const texts = (tag: string) => Array.from({ length: 8 }, (_, i) => `${tag} comment ${i + 1}`);
    // Slack sends each event in a request of its own as it happens and wants only the quick
    // acknowledgement: each comes while the ones before are still being handled.
    for (let i = 0; i < 8; i += 1) {
      await h.sender.messageEvent(h.people.rita.user, first.root.channel, texts('A')[i]!, { threadTs: first.root.ts });
      await h.sender.messageEvent(h.people.rita.user, second.root.channel, texts('B')[i]!, { threadTs: second.root.ts });
    }
    const journaled = async (number: number) => (await h.models.JournalEvent.find({ ticketNumber: number, type: 'replied' }).sort({ seq: 1 }).lean()).map((e) => e.text);
    await h.waitFor(async () => (await journaled(first.number)).length === 8 && (await journaled(second.number)).length === 8, 'every comment journaled');
    expect(await journaled(first.number)).toEqual(texts('A'));
    expect(await journaled(second.number)).toEqual(texts('B'));
  });
});
