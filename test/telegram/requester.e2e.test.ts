import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/database.js';
import type { ChatMessage } from './support/bot-api-fake.js';
import { startHarness, type Harness } from './support/harness.js';

const db = useTestDatabase('tg_requester');
let h: Harness;

beforeAll(async () => {
  h = await startHarness(db, { maxFileBytes: 10_000 });
});

afterAll(async () => {
  await h?.close();
});

const buttonsOf = (message: ChatMessage) => ((message.reply_markup?.inline_keyboard ?? []) as { text: string }[][]).flat().map((b) => b.text);

describe('telegram: requesters in their private chat', () => {
  it('offers to open a ticket from a plain message with one tap, and the summary can be edited', async () => {
    const { api, people } = h;
    const chat = people.rita.user.id;
    const mark = api.lastMessageId(chat);
    api.sendText(people.rita.user, null, 'The coffee machine leaks');
    const offer = await api.waitForBotMessage(chat, 'Open a ticket with this message?', { after: mark });
    await api.pressButton(people.rita.user, offer, 'Open a ticket');
    await api.pressButton(people.rita.user, await api.waitForBotMessage(chat, 'Which department', { after: mark }), 'IT support');
    await api.pressButton(people.rita.user, await api.waitForBotMessage(chat, 'What is it about', { after: mark }), 'Other');
    let summary = await api.waitForBotMessage(chat, 'Check your ticket', { after: mark });
    expect(summary.text).toContain('The coffee machine leaks');

    await api.pressButton(people.rita.user, summary, 'Edit');
    const edit = await api.waitForBotMessage(chat, 'What do you want to change?', { after: mark });
    await api.pressButton(people.rita.user, edit, 'Department');
    await api.pressButton(people.rita.user, await api.waitForBotMessage(chat, 'Which department', { after: edit.message_id }), 'HR');
    summary = await api.waitForBotMessage(chat, 'Check your ticket', { after: edit.message_id });
    expect(summary.text).toContain('HR');
    await api.pressButton(people.rita.user, summary, 'Edit');
    await api.pressButton(people.rita.user, await api.waitForBotMessage(chat, 'What do you want to change?', { after: summary.message_id }), 'Description');
    await api.waitForBotMessage(chat, 'Describe the problem', { after: summary.message_id });
    api.sendText(people.rita.user, null, 'The coffee machine on floor 2 leaks water');
    summary = await api.waitForBotMessage(chat, 'Check your ticket', { after: summary.message_id });
    expect(summary.text).toContain('floor 2');
    await api.pressButton(people.rita.user, summary, 'Confirm');
    const created = await api.waitForBotMessage(chat, /Ticket #\d+ .* is open/, { after: mark });
    const number = Number(/#(\d+)/.exec(created.text!)![1]);
    expect(await h.models.Ticket.findOne({ number }).lean()).toMatchObject({ department: 'hr', category: null, title: 'The coffee machine on floor 2 leaks water' });
  });

  it('offers an album once, with its caption and every photo', async () => {
    const { api, people } = h;
    const chat = people.rita.user.id;
    const mark = api.lastMessageId(chat);
    // Telegram sends an album as one message per photo; the caption rides on one of them.
    api.sendPhoto(people.rita.user, null, { data: Buffer.from('photo one'), caption: 'Water under the sink in room 204', mediaGroupId: 'album-1' });
    api.sendPhoto(people.rita.user, null, { data: Buffer.from('photo two'), mediaGroupId: 'album-1' });
    api.sendPhoto(people.rita.user, null, { data: Buffer.from('photo three'), mediaGroupId: 'album-1' });
    const offer = await api.waitForBotMessage(chat, 'Open a ticket with this message?', { after: mark });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(api.botMessages(chat).filter((m) => m.message_id > mark && m.text?.includes('Open a ticket with this message?'))).toHaveLength(1);
    await api.pressButton(people.rita.user, offer, 'Open a ticket');
    await api.pressButton(people.rita.user, await api.waitForBotMessage(chat, 'Which department', { after: mark }), 'IT support');
    await api.pressButton(people.rita.user, await api.waitForBotMessage(chat, 'What is it about', { after: mark }), 'Other');
    const summary = await api.waitForBotMessage(chat, 'Check your ticket', { after: mark });
    expect(summary.text).toContain('Water under the sink in room 204');
    await api.pressButton(people.rita.user, summary, 'Confirm');
    const created = await api.waitForBotMessage(chat, /Ticket #\d+ .* is open/, { after: mark });
    const ticket = await h.models.Ticket.findOne({ number: Number(/#(\d+)/.exec(created.text!)![1]) }).lean();
    expect(ticket?.title).toBe('Water under the sink in room 204');
    expect(ticket?.attachments).toHaveLength(3);
  });

  it('refuses a file over the limit, saying the limit, and keeps the dialog going', async () => {
    const { api, people } = h;
    const chat = people.rita.user.id;
    const mark = api.lastMessageId(chat);
    const downloads = api.calls('getFile').length;
    api.sendText(people.rita.user, null, '/new');
    await api.pressButton(people.rita.user, await api.waitForBotMessage(chat, 'Which department', { after: mark }), 'HR');
    api.sendText(people.rita.user, null, 'Scan of my contract');
    await api.waitForBotMessage(chat, 'Add photos or documents', { after: mark });
    api.sendDocument(people.rita.user, null, { name: 'contract.pdf', data: Buffer.alloc(20_000, 1) });
    await api.waitForBotMessage(chat, '«contract.pdf» is too large: the limit is 9.8 KB.', { after: mark });
    // Checked before downloading: Telegram's file_size says it all.
    expect(api.calls('getFile').length).toBe(downloads);
    // A file that lies about its size is stopped by the store while streaming.
    api.sendDocument(people.rita.user, null, { name: 'liar.pdf', data: Buffer.alloc(20_000, 1), claimedSize: 100 });
    await api.waitForBotMessage(chat, '«liar.pdf» is too large', { after: mark });
    api.sendDocument(people.rita.user, null, { name: 'small.pdf', data: Buffer.alloc(2_000, 1) });
    const added = await api.waitForBotMessage(chat, 'small.pdf', { after: mark });
    await api.pressButton(people.rita.user, added, 'Done');
    const summary = await api.waitForBotMessage(chat, 'Check your ticket', { after: mark });
    expect(summary.text).toContain('small.pdf');
    expect(summary.text).not.toContain('contract.pdf');
    await api.pressButton(people.rita.user, summary, 'Cancel');
  });

  it('/my pages through the tickets and shows the public history, never internal notes', async () => {
    const { api, people } = h;
    const chat = people.rita.user.id;
    const numbers: number[] = [];
    for (let i = 1; i <= 6; i += 1) {
      numbers.push((await h.tickets.open(people.rita.actor, { description: `Paged ticket ${i}`, department: 'it', source: 'telegram' }, 'telegram')).number);
    }
    const last = numbers.at(-1)!;
    await h.tickets.note(people.ivan.actor, last, { text: 'Secret staff remark' }, 'telegram');
    await h.tickets.reply(people.ivan.actor, last, { text: 'Public answer' }, 'telegram');
    const mark = api.lastMessageId(chat);
    api.sendText(people.rita.user, null, '/my');
    const list = await api.waitForBotMessage(chat, 'Your tickets:', { after: mark });
    expect(list.text).toContain('page 1 of');
    expect(buttonsOf(list).slice(0, 1)).toEqual([`🆕 #${last} Paged ticket 6`]);
    expect(buttonsOf(list)).toContain('Next ▶');
    await api.pressButton(people.rita.user, list, 'Next');
    const page2 = await api.waitFor(() => { const m = api.message(chat, list.message_id)!; return m.text?.includes('page 2') && m; }, 5000, 'page 2');
    expect(buttonsOf(page2)).toContain('◀ Back');

    await api.pressButton(people.rita.user, api.message(chat, list.message_id)!, 'Back');
    const page1 = await api.waitFor(() => { const m = api.message(chat, list.message_id)!; return m.text?.includes('page 1') && m; }, 5000, 'page 1');
    await api.pressButton(people.rita.user, page1, `#${last}`);
    const history = await api.waitForBotMessage(chat, 'Rita Requester opened the ticket', { after: mark });
    expect(history.text).toContain('Public answer');
    expect(history.text).toContain('Rita Requester opened the ticket');
    expect(history.text).not.toContain('Secret staff remark');
    expect(history.text).not.toContain('internal note');
    // Replying to the history comments on the ticket.
    const thanks = api.sendText(people.rita.user, null, 'Thanks, noted', { replyTo: history.message_id });
    await api.waitForReaction(chat, thanks.message_id, '👍');
  });

  it('reopens a resolved ticket when the requester replies instead of rating; a closed one takes no comments', async () => {
    const { api, people, groups } = h;
    const chat = people.rita.user.id;
    const ticket = await h.tickets.open(people.rita.actor, { description: 'Monitor flickers', department: 'it', source: 'telegram' }, 'telegram');
    await h.tickets.take(people.ivan.actor, ticket.number, 'telegram');
    await h.tickets.changeStatus(people.ivan.actor, ticket.number, 'resolve', 'telegram');
    const resolved = await api.waitForBotMessage(chat, `#${ticket.number} «Monitor flickers» was resolved by Ivan Agent`);
    expect(buttonsOf(resolved)).toHaveLength(5);
    const again = api.sendText(people.rita.user, null, 'It still flickers after the cable swap', { replyTo: resolved.message_id });
    await api.waitForReaction(chat, again.message_id, '👍');
    await h.settle();
    expect(await h.models.Ticket.findOne({ number: ticket.number }).lean()).toMatchObject({ status: 'in_progress', rating: null, metrics: { reopenCount: 1 } });
    await h.cardShowing(groups.it, ticket.number, 'in progress');
    // The old rating buttons no longer apply.
    const late = await api.pressButton(people.rita.user, resolved, '3 ⭐');
    expect(late).toMatchObject({ show_alert: true, text: `#${ticket.number} is in progress now: this is not possible.` });

    await h.tickets.changeStatus(people.ivan.actor, ticket.number, 'close', 'telegram');
    const closed = await api.waitForBotMessage(chat, `#${ticket.number} «Monitor flickers» was closed.`);
    expect(closed.text).toContain('For a new problem, send /new.');
    api.sendText(people.rita.user, null, 'One more thing', { replyTo: closed.message_id });
    await api.waitForBotMessage(chat, `#${ticket.number} is closed now: this is not possible.`);
  });
});
