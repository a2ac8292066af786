import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/database.js';
import { startHarness, type Harness } from './support/harness.js';

const db = useTestDatabase('tg_lifecycle');
let h: Harness;

beforeAll(async () => {
  h = await startHarness(db);
});

afterAll(async () => {
  await h?.close();
});

const buttonsOf = (message: { reply_markup?: { inline_keyboard?: { text: string }[][] } }) =>
  (message.reply_markup?.inline_keyboard ?? []).flat().map((button) => button.text);

describe('telegram: a ticket from the first message to the rating', () => {
  it('opens through the dialog with a file, is taken, answered, answered back, resolved and rated; the card follows in place', async () => {
    const { api, people, groups } = h;
    const { rita, ivan } = people;
    const ritaChat = rita.user.id;

    api.sendText(rita.user, null, '/new');
    const departments = await api.waitForBotMessage(ritaChat, 'Which department');
    expect(buttonsOf(departments)).toEqual(expect.arrayContaining(['IT support', 'HR']));
    await api.pressButton(rita.user, departments, 'IT support');
    const categories = await api.waitForBotMessage(ritaChat, 'What is it about');
    await api.pressButton(rita.user, categories, 'Hardware');
    await api.waitForBotMessage(ritaChat, 'Describe the problem');
    api.sendText(rita.user, null, 'Printer on the 3rd floor jams <again> & again\nIt eats every second page since Monday.');
    const filesPrompt = await api.waitForBotMessage(ritaChat, 'Add photos or documents');
    expect(filesPrompt.text).toContain('256 KB');
    api.sendDocument(rita.user, null, { name: 'jam-report.pdf', data: Buffer.from('%PDF-1.4 a jammed page'), mimeType: 'application/pdf' });
    const added = await api.waitForBotMessage(ritaChat, 'jam-report.pdf');
    await api.pressButton(rita.user, added, 'Done');
    const summary = await api.waitForBotMessage(ritaChat, 'Check your ticket');
    expect(summary.text).toContain('IT support › Hardware');
    expect(summary.text).toContain('Printer on the 3rd floor jams <again> & again');
    expect(summary.text).toContain('jam-report.pdf');
    const confirmed = await api.pressButton(rita.user, summary, 'Confirm');
    expect(confirmed.text).toMatch(/Ticket #\d+ opened/);
    const created = await api.waitForBotMessage(ritaChat, /Ticket #\d+ .* is open/);
    const number = Number(/#(\d+)/.exec(created.text!)![1]);

    // The ticket carries the profile's requester fields and the file, stored in GridFS.
    const ticket = await h.models.Ticket.findOne({ number }).lean();
    expect(ticket).toMatchObject({
      title: 'Printer on the 3rd floor jams <again> & again',
      department: 'it',
      category: 'hardware',
      source: 'telegram',
      requester: { name: 'Rita Requester', company: 'Acme', unit: 'Sales', phone: '+7 912 345-67-89' },
    });
    expect(ticket!.attachments).toHaveLength(1);
    const chunks: Buffer[] = [];
    for await (const chunk of h.files.open(ticket!.attachments[0]!.fileId)) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('%PDF-1.4 a jammed page');

    // One card in the IT group, with everything an agent needs.
    const card = await h.cardShowing(groups.it, number, 'Printer on the 3rd floor jams');
    expect(card.text).toContain(`#${number}`);
    expect(card.text).toContain('normal');
    expect(card.text).toContain('new');
    expect(card.text).toContain('Rita Requester · Acme / Sales · +7 912 345-67-89 · earlier tickets: 0');
    expect(card.text).toContain('IT support › Hardware');
    expect(card.text).toContain('It eats every second page');
    expect(card.text).toContain('attachments: 1');
    expect(card.text).toContain('Unassigned');
    expect(card.text).toContain('Rita Requester opened the ticket');
    expect(card.html).toContain('&lt;again&gt; &amp; again');
    expect(buttonsOf(card)).toEqual(['✋ Take', '💬 Reply', '🔒 Note', '⚡ Priority', '🔀 Transfer', '📜 History', '⏸ Wait for requester', '✅ Resolve', '🗄 Close']);
    expect(h.api.botMessages(groups.hr.id)).toHaveLength(0);
    const edits = () => h.api.message(groups.it.id, card.message_id)!.edits;

    // Ivan takes it: the card says so, the requester is told.
    const taken = await api.pressButton(ivan.user, card, 'Take');
    expect(taken.text).toBe(`#${number} is yours.`);
    await h.cardShowing(groups.it, number, 'Assignee: Ivan Agent');
    expect(buttonsOf(await h.card(groups.it, number))).toContain('↩️ Release');
    await api.waitForBotMessage(ritaChat, `Your ticket #${number} «Printer on the 3rd floor jams <again> & again» was taken by Ivan Agent.`);
    const afterTake = edits();
    expect(afterTake).toBeGreaterThanOrEqual(1);

    // Ivan replies through the force-reply prompt, which comes to his private chat with the bot
    // (nothing of the group's budget spent); the requester gets the answer.
    const groupBefore = api.botMessages(groups.it.id).length;
    const toast = await api.pressButton(ivan.user, await h.card(groups.it, number), 'Reply');
    expect(toast.text).toBe(`✍️ Write your reply to #${number} in your private chat with me.`);
    const prompt = await api.waitForBotMessage(ivan.user.id, `write the public reply to #${number}`);
    expect(prompt.reply_markup).toMatchObject({ force_reply: true, selective: true });
    const answer = api.sendText(ivan.user, null, 'Please switch it off and on. Does it still jam?', { replyTo: prompt.message_id });
    await api.waitForReaction(ivan.user.id, answer.message_id, '👍');
    expect(api.botMessages(groups.it.id)).toHaveLength(groupBefore);
    const relayed = await api.waitForBotMessage(ritaChat, 'Please switch it off and on');
    expect(relayed.text).toContain(`Ivan Agent answered on #${number}`);
    await h.cardShowing(groups.it, number, 'Ivan Agent replied');
    expect(edits()).toBeGreaterThan(afterTake);

    // The requester answers by replying to that message, with a photo.
    const photo = api.sendPhoto(rita.user, null, { data: Buffer.alloc(3000, 7), caption: 'Still jams, see the photo', replyTo: relayed.message_id });
    await api.waitForReaction(ritaChat, photo.message_id, '👍');
    const toAgent = await api.waitForBotMessage(ivan.user.id, 'Still jams, see the photo');
    expect(toAgent.text).toContain(`Rita Requester answered on #${number}`);
    await api.waitFor(() => api.botMessages(ivan.user.id).find((m) => m.document?.file_name?.startsWith('photo_')), 5000, 'relayed photo');
    await h.cardShowing(groups.it, number, 'Rita Requester replied');
    const comments = await h.models.JournalEvent.find({ ticketNumber: number, type: 'replied' }).lean();
    expect(comments.map((event) => event.text)).toEqual(['Please switch it off and on. Does it still jam?', 'Still jams, see the photo']);
    expect(comments[1]!.attachments).toHaveLength(1);

    // Resolved: the requester is asked to rate, rates, and comments on the rating.
    await api.pressButton(ivan.user, await h.card(groups.it, number), 'Resolve');
    const resolved = await api.waitForBotMessage(ritaChat, `was resolved by Ivan Agent`);
    expect(buttonsOf(resolved)).toEqual(['1 ⭐', '2 ⭐', '3 ⭐', '4 ⭐', '5 ⭐']);
    await h.cardShowing(groups.it, number, 'resolved');
    const rated = await api.pressButton(rita.user, resolved, '5 ⭐');
    expect(rated.text).toContain('5/5');
    const thanks = await api.waitForBotMessage(ritaChat, 'Want to add a comment');
    const ratingComment = api.sendText(rita.user, null, 'Fast and friendly', { replyTo: thanks.message_id });
    await api.waitForReaction(ritaChat, ratingComment.message_id, '👍');
    await h.settle();
    const final = await h.models.Ticket.findOne({ number }).lean();
    expect(final).toMatchObject({ status: 'resolved', rating: { score: 5, comment: 'Fast and friendly' } });
    await h.cardShowing(groups.it, number, 'Rating: 5/5');
    await api.waitForBotMessage(ivan.user.id, `Rita Requester rated #${number}`);

    // Still one card for the ticket in the group: every change edited it in place.
    const cards = api.botMessages(groups.it.id).filter((m) => buttonsOf(m).includes('📜 History') && m.text?.includes(`#${number}`));
    expect(cards).toHaveLength(1);
    expect(cards[0]!.message_id).toBe(card.message_id);
    expect(edits()).toBeGreaterThanOrEqual(5);

    // Every button press got an answer.
    expect(api.calls('answerCallbackQuery').length).toBeGreaterThanOrEqual(8);
    // The token appears in no log line.
    expect(h.log.raw.join('')).not.toContain(api.token.split(':')[1]);
  });
});
