import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/database.js';
import { startHarness, type Harness } from './support/harness.js';

const db = useTestDatabase('tg_restart');
let h: Harness;

beforeAll(async () => {
  h = await startHarness(db);
});

afterAll(async () => {
  await h?.close();
});

describe('telegram: restarts and repeated updates', () => {
  it('continues /new after a restart in the middle of the dialog, with the file sent before it', async () => {
    const { api, people } = h;
    const chat = people.rita.user.id;
    api.sendText(people.rita.user, null, '/new');
    await api.pressButton(people.rita.user, await api.waitForBotMessage(chat, 'Which department'), 'HR');
    // HR has no categories: straight to the description.
    await api.waitForBotMessage(chat, 'Describe the problem');
    await h.restart();

    api.sendText(people.rita.user, null, 'Vacation days are wrong\nThe portal shows 3 instead of 21.');
    await api.waitForBotMessage(chat, 'Add photos or documents');
    api.sendDocument(people.rita.user, null, { name: 'portal.png', data: Buffer.alloc(5000, 1), mimeType: 'image/png' });
    const added = await api.waitForBotMessage(chat, 'portal.png');
    const session = await h.session(chat, (value) => ((value?.dialog as { files?: unknown[] } | undefined)?.files?.length ?? 0) > 0);
    expect(session).toMatchObject({ dialog: { kind: 'new', step: 'files', department: 'hr', files: [{ name: 'portal.png' }] } });

    await h.restart();
    // The button of the message sent before the restart still works.
    await api.pressButton(people.rita.user, added, 'Done');
    const summary = await api.waitForBotMessage(chat, 'Check your ticket');
    expect(summary.text).toContain('Vacation days are wrong');
    expect(summary.text).toContain('portal.png');
    await api.pressButton(people.rita.user, summary, 'Confirm');
    const created = await api.waitForBotMessage(chat, /Ticket #\d+ .* is open/);
    const number = Number(/#(\d+)/.exec(created.text!)![1]);
    const ticket = await h.models.Ticket.findOne({ number }).lean();
    expect(ticket).toMatchObject({ department: 'hr', title: 'Vacation days are wrong' });
    expect(ticket!.attachments.map((file) => file.name)).toEqual(['portal.png']);
    await h.cardShowing(h.groups.hr, number, 'Vacation days are wrong');
  });

  it('/cancel ends the dialog at any step and the draft files go away', async () => {
    const { api, people } = h;
    const chat = people.rita.user.id;
    const start = api.lastMessageId(chat);
    api.sendText(people.rita.user, null, '/new');
    await api.pressButton(people.rita.user, await api.waitForBotMessage(chat, 'Which department', { after: start }), 'HR');
    api.sendText(people.rita.user, null, 'Something to cancel');
    await api.waitForBotMessage(chat, 'Add photos or documents', { after: start });
    api.sendDocument(people.rita.user, null, { name: 'draft.txt', data: Buffer.from('draft') });
    const added = await api.waitForBotMessage(chat, 'draft.txt', { after: start });
    const mark = api.lastMessageId(chat);
    api.sendText(people.rita.user, null, '/cancel');
    await api.waitForBotMessage(chat, 'Cancelled.', { after: mark });
    expect(await h.db.connection.db!.collection('attachments.files').countDocuments({ filename: 'draft.txt' })).toBe(0);
    // The old dialog's button is now stale.
    const stale = await api.pressButton(people.rita.user, added, 'Done');
    expect(stale).toEqual({ text: 'This step is over. Send /new to start again.', show_alert: true });
  });

  it('/cancel works at every step of /new, and so does the Cancel button of the summary', async () => {
    const { api, people } = h;
    const user = people.rita.user;
    const chat = user.id;
    const steps: { step: string; reach: (mark: number) => Promise<unknown> }[] = [
      { step: 'department', reach: async () => undefined },
      { step: 'category', reach: async (mark) => api.pressButton(user, await api.waitForBotMessage(chat, 'Which department', { after: mark }), 'IT support') },
      { step: 'description', reach: async (mark) => api.pressButton(user, await api.waitForBotMessage(chat, 'What is it about', { after: mark }), 'Hardware') },
      { step: 'files', reach: async (mark) => (await api.waitForBotMessage(chat, 'Describe the problem', { after: mark }), api.sendText(user, null, 'Mouse is dead')) },
      { step: 'summary', reach: async (mark) => api.pressButton(user, await api.waitForBotMessage(chat, 'Add photos or documents', { after: mark }), 'Done') },
    ];
    for (let until = 0; until < steps.length; until += 1) {
      const mark = api.lastMessageId(chat);
      api.sendText(user, null, '/new');
      for (const { reach } of steps.slice(0, until + 1)) await reach(mark);
      const expectedPrompt = ['Which department', 'What is it about', 'Describe the problem', 'Add photos or documents', 'Check your ticket'][until]!;
      await api.waitForBotMessage(chat, expectedPrompt, { after: mark });
      const before = api.lastMessageId(chat);
      api.sendText(user, null, '/cancel');
      await api.waitForBotMessage(chat, 'Cancelled.', { after: before });
      const session = await h.session(chat, (value) => value?.dialog === undefined);
      expect(session?.dialog, `after /cancel at ${steps[until]!.step}`).toBeUndefined();
    }
    const mark = api.lastMessageId(chat);
    api.sendText(user, null, '/new');
    for (const { reach } of steps) await reach(mark);
    const summary = await api.waitForBotMessage(chat, 'Check your ticket', { after: mark });
    expect((await api.pressButton(user, summary, 'Cancel')).text).toBe('Cancelled.');
    expect(await h.models.Ticket.countDocuments({ title: 'Mouse is dead' })).toBe(0);
  });

  it('handles an update delivered twice only once', async () => {
    const { api, people } = h;
    const ticket = await h.tickets.open(people.rita.actor, { description: 'Dedupe me', department: 'hr', source: 'telegram' }, 'telegram');
    await h.tickets.reply(people.hanna.actor, ticket.number, { text: 'Which dates?' }, 'telegram');
    const notice = await api.waitForBotMessage(people.rita.user.id, 'Which dates?');
    const answer = api.sendText(people.rita.user, null, 'From 1 to 14 July', { replyTo: notice.message_id });
    api.repeatLastUpdate();
    await api.waitForReaction(people.rita.user.id, answer.message_id, '👍');
    await h.settle();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const replies = await h.models.JournalEvent.find({ ticketNumber: ticket.number, type: 'replied' }).lean();
    expect(replies.map((event) => event.text)).toEqual(['Which dates?', 'From 1 to 14 July']);
    expect(h.log.find(/already received: dropped|already processed: skipped/).length).toBeGreaterThanOrEqual(1);
  });

  it('handles at the next start an update stored before a crash, but not one whose handling had begun', async () => {
    const { api, people, models } = h;
    await h.telegram.stop();
    const chat = api.privateChat(people.rita.user);
    const message = (updateId: number, text: string) => ({
      update_id: updateId,
      message: { message_id: 90_000 + updateId, from: people.rita.user, chat, date: Math.floor(Date.now() / 1000), text, entities: [{ type: 'bot_command', offset: 0, length: text.length }] },
    });
    // Stored by the inbox, confirmed to Telegram, then the process died: one never begun,
    // one begun (its id claimed) and perhaps half done, which must not run twice.
    const stored = [message(900_001, '/my'), message(900_002, '/lang')];
    const now = new Date();
    await models.KvEntry.collection.insertMany(
      stored.map((update) => ({ scope: 'tg-inbox', key: `${api.botId}:${update.update_id}`, value: JSON.stringify(update), createdAt: now, updatedAt: now })),
    );
    await models.KvEntry.create({ scope: 'tg-update', key: `${api.botId}:900002`, value: { at: now.toISOString() } });
    const mark = api.lastMessageId(people.rita.user.id);
    await h.restart();
    await api.waitForBotMessage(people.rita.user.id, 'Your tickets', { after: mark });
    expect(h.log.find('telegram updates received before an unclean stop were handled')[0]?.updates).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(api.botMessages(people.rita.user.id).filter((m) => m.message_id > mark && /language/i.test(m.text ?? ''))).toHaveLength(0);
  });
});
