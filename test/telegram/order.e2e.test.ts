import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/database.js';
import { startHarness, type Harness } from './support/harness.js';

const db = useTestDatabase('tg_order');
let h: Harness;

beforeAll(async () => {
  h = await startHarness(db);
});

afterAll(async () => {
  await h?.close();
});

describe('telegram: order and parallelism of updates', () => {
  it("handles one chat's updates in order while other chats go on", async () => {
    const { api, people } = h;
    const rita = people.rita.user;
    const max = people.max.user;
    const ritaMark = api.lastMessageId(rita.id);
    const sent = api.calls('sendMessage').length;
    // Rita's first answer meets flood control for 2 seconds.
    api.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 2', parameters: { retry_after: 2 } });
    api.sendText(rita, null, '/my');
    await api.waitFor(() => api.calls('sendMessage').length > sent, 5000, 'the first answer attempt');
    const started = Date.now();
    api.sendText(rita, null, '/lang');
    api.sendText(max, null, '/my');

    // Another chat is answered while Rita's waits.
    await api.waitForBotMessage(max.id, /tickets/);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(api.botMessages(rita.id).filter((m) => m.message_id > ritaMark)).toHaveLength(0);

    // Rita's answers come in the order of her messages.
    await api.waitForBotMessage(rita.id, 'Choose your language', { after: ritaMark, timeoutMs: 8000 });
    const answers = api.botMessages(rita.id).filter((m) => m.message_id > ritaMark).map((m) => m.text ?? '');
    expect(answers[0]).toMatch(/You have no tickets yet|Your tickets/);
    expect(answers[1]).toContain('Choose your language');
  });

  it('answers a card button before sending anything to the group, and Release puts a ticket back', async () => {
    const { api, people, groups } = h;
    const ticket = await h.tickets.open(people.rita.actor, { description: 'Keyboard missing keys', department: 'it', source: 'telegram' }, 'telegram');
    let card = await h.cardShowing(groups.it, ticket.number, 'Keyboard missing keys');
    // An agent the bot may not write to (never pressed Start) gets the prompt in the group.
    const nina = await h.addMember('Nina Newcomer', 'agent', ['it'], { started: false });
    const from = api.recorded.length;
    const toast = await api.pressButton(nina.user, card, 'Note');
    expect(toast.text).toBe(`Write your note on #${ticket.number}`);
    const prompt = await api.waitForBotMessage(groups.it.id, `write an internal note on #${ticket.number}`);
    expect(prompt.reply_markup).toMatchObject({ force_reply: true, selective: true });
    // The press is answered first: the prompt may wait for the group's rate limit.
    const calls = api.recorded.slice(from).filter((call) => call.method !== 'sendMessage' || call.payload.chat_id === groups.it.id).map((call) => call.method);
    expect(calls.indexOf('answerCallbackQuery')).toBeLessThan(calls.indexOf('sendMessage'));
    // The answer is confirmed with a reaction and the prompt goes: the group keeps cards and answers only.
    const groupMessages = api.botMessages(groups.it.id).length;
    const note = api.sendText(nina.user, groups.it, 'Keys 7 and 8 are missing', { replyTo: prompt.message_id });
    await api.waitForReaction(groups.it.id, note.message_id, '👍');
    await api.waitFor(() => api.message(groups.it.id, prompt.message_id)?.deleted, 5000, 'the answered prompt removed');
    expect(api.botMessages(groups.it.id)).toHaveLength(groupMessages - 1);
    expect(await h.models.JournalEvent.findOne({ ticketNumber: ticket.number, type: 'noted' }).lean()).toMatchObject({ text: 'Keys 7 and 8 are missing', actorName: 'Nina Newcomer' });

    await api.pressButton(people.ivan.user, card, 'Take');
    card = await h.cardShowing(groups.it, ticket.number, 'Assignee: Ivan Agent');
    expect((await api.pressButton(people.inna.user, card, 'Release')).show_alert).toBe(true);
    expect((await api.pressButton(people.ivan.user, card, 'Release')).text).toBe(`#${ticket.number} is back in the queue.`);
    card = await h.cardShowing(groups.it, ticket.number, 'Unassigned');
    expect((card.reply_markup?.inline_keyboard as { text: string }[][]).flat().map((b) => b.text)).toContain('✋ Take');
  });

  it("runs presses on different tickets of one group side by side, and one ticket's in order", async () => {
    const { api, people, groups } = h;
    const olga = await h.addMember('Olga Agent', 'agent', ['it']);
    const first = await h.tickets.open(people.rita.actor, { description: 'Scanner offline', department: 'it', source: 'telegram' }, 'telegram');
    const second = await h.tickets.open(people.rita.actor, { description: 'Mouse broken', department: 'it', source: 'telegram' }, 'telegram');
    const firstCard = await h.cardShowing(groups.it, first.number, 'Scanner offline');
    const secondCard = await h.cardShowing(groups.it, second.number, 'Mouse broken');
    await h.settle();
    // Ivan's Reply on the first card: its prompt meets flood control for 2 seconds, and its
    // handling waits that long.
    const sent = api.calls('sendMessage').length;
    api.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 2', parameters: { retry_after: 2 } });
    const ivanReply = api.pressButton(people.ivan.user, firstCard, 'Reply');
    await api.waitFor(() => api.calls('sendMessage').length > sent, 5000, 'the prompt attempt');
    const started = Date.now();
    const innaOnFirst = api.pressButton(people.inna.user, firstCard, 'Take');
    // Another ticket of the same group, pressed by someone else, goes on meanwhile (Inna's own
    // presses stay in her order, behind her press on the first card).
    expect((await api.pressButton(olga.user, secondCard, 'Take')).text).toContain(`#${second.number}`);
    expect(await h.models.JournalEvent.countDocuments({ ticketNumber: second.number, type: 'taken' })).toBe(1);
    expect(Date.now() - started).toBeLessThan(1500);
    // The first ticket's second press waited for its first.
    expect(await h.models.JournalEvent.countDocuments({ ticketNumber: first.number, type: 'taken' })).toBe(0);
    await ivanReply;
    await innaOnFirst;
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
    expect(await h.models.JournalEvent.countDocuments({ ticketNumber: first.number, type: 'taken' })).toBe(1);
  });
});
