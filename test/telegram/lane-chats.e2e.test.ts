import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/database.js';
import { startHarness, type Harness } from './support/harness.js';

const db = useTestDatabase('tg_lane_chats');
let h: Harness;

beforeAll(async () => {
  h = await startHarness(db);
});

afterAll(async () => {
  await h?.close();
});

describe('one event, several chats', () => {
  it("sends the requester the answer while the card's edit in the group is still under way, then edits the card", async () => {
    const { rita, ivan } = h.people;
    const ticket = await h.tickets.open(rita.actor, { description: 'Printer on floor 3 jams', department: 'it', source: 'telegram' }, 'telegram');
    await h.cardShowing(h.groups.it, ticket.number, 'Printer on floor 3 jams');
    await h.tickets.take(ivan.actor, ticket.number, 'telegram');
    await h.api.waitForBotMessage(rita.user.id, new RegExp(`#${ticket.number}.*taken`, 's'));
    await h.settle();

    // The group's card edits get no answer for now: the requester's answer must not wait for them.
    const release = h.api.hold('editMessageText');
    try {
      const mark = h.api.lastMessageId(rita.user.id);
      const edits = h.api.calls('editMessageText').length;
      await h.tickets.reply(ivan.actor, ticket.number, { text: 'Open tray 2 and pull the sheet out' }, 'telegram');
      const answer = await h.api.waitForBotMessage(rita.user.id, /Open tray 2 and pull the sheet out/, { after: mark, timeoutMs: 5000 });
      expect(answer.text).toContain(`#${ticket.number}`);
      // The card's edit was asked for first, and is still waiting for its answer.
      expect(h.api.calls('editMessageText').length).toBeGreaterThan(edits);
    } finally {
      release();
    }
    await h.settle();
    await h.cardShowing(h.groups.it, ticket.number, 'Ivan Agent');
  });
});
