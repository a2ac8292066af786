import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/database.js';
import { startSlackHarness, type SlackHarness } from './support/harness.js';

const db = useTestDatabase('slack_lifecycle');
let h: SlackHarness;

beforeAll(async () => {
  h = await startSlackHarness(db);
});

afterAll(async () => {
  if (process.env.DUMP) console.log(JSON.stringify(h.log.lines.filter((l) => Number(l.level) >= 40), null, 1).slice(0, 6000));
  await h?.close();
});

const blockText = (message: { blocks?: unknown[]; text?: string } | undefined) => `${message?.text ?? ''} ${JSON.stringify(message?.blocks ?? [])}`;

describe('slack: a ticket from the modal to the rating', () => {
  let number = 0;

  it('shows missing and wrong fields inside the modal, without opening a ticket', async () => {
    const view = await h.openNewTicketModal(h.people.rita.user);
    expect(view.callback_id).toBe('ticket.new');
    // Requesters do not choose a priority; staff do.
    expect(JSON.stringify(view.blocks)).not.toContain('"block_id":"priority"');
    const answer = await h.submitNewTicket(h.people.rita.user, String(view.id), { department: 'hr', category: 'it/hardware' });
    expect(answer.status).toBe(200);
    expect(answer.json()).toEqual({
      response_action: 'errors',
      errors: { category: expect.stringContaining('another department'), description: expect.stringContaining('fill') },
    });
    expect(await h.models.Ticket.countDocuments({})).toBe(0);
  });

  it('opens a ticket with a file: a thread in the requester DM, a card in the department channel', async () => {
    const file = h.fake.addUserFile({ name: 'screen.png', mimetype: 'image/png', data: Buffer.from('png bytes') });
    number = await h.openTicket(h.people.rita.user, { department: 'it', category: 'it/hardware', description: 'Printer on floor 3 is jammed\nIt shows error E-42', files: [file] });
    const ticket = await h.models.Ticket.findOne({ number }).lean();
    expect(ticket).toMatchObject({ title: 'Printer on floor 3 is jammed', department: 'it', category: 'hardware', source: 'slack', status: 'new' });
    expect(ticket!.attachments.map((a) => a.name)).toEqual(['screen.png']);
    // Rita was found in the directory by her Slack e-mail, and linked.
    expect(await h.models.Identity.countDocuments({ platform: 'slack', externalId: h.people.rita.user.id })).toBe(1);

    const root = await h.waitFor(() => h.dmThread(h.people.rita.user).find((m) => m.text.includes(`#${number}`)), 'the DM confirmation');
    expect(root.text).toContain('Updates arrive in this thread');
    const card = await h.cardShowing(h.channels.it.id, number, 'Take');
    expect(blockText(card)).toContain('Printer on floor 3 is jammed');
    expect(blockText(card)).toContain('Replies in this thread are internal notes');
    await h.waitFor(() => h.fake.homeOf(h.people.rita.user.id), 'home tab refresh');
  });

  it('is taken from the card: the card changes in place and the requester hears of it in the ticket thread', async () => {
    await h.press(h.people.ivan.user, h.channels.it.id, number, 'card.take');
    const card = await h.cardShowing(h.channels.it.id, number, 'Ivan Agent');
    expect(card.edits).toBeGreaterThan(0);
    expect(h.fake.botMessages(h.channels.it.id).filter((m) => !m.thread_ts)).toHaveLength(1);
    const root = h.dmThread(h.people.rita.user).find((m) => m.text.includes(`#${number}`))!;
    await h.waitFor(() => h.fake.thread(root.channel, root.ts).find((m) => blockText(m).includes('was taken by Ivan Agent')), 'taken notice in the thread');
  });

  it('answers through Reply: the requester gets it in the thread, the card thread shows it', async () => {
    await h.press(h.people.ivan.user, h.channels.it.id, number, 'card.reply');
    const modal = await h.waitFor(() => h.fake.openViews.find((v) => v.callback_id === 'ticket.comment'), 'reply modal');
    const answer = await h.sender.viewSubmission(h.people.ivan.user, String(modal.id), { text: { value: { type: 'plain_text_input', value: 'Please restart it <!channel> *now*' } }, files: { value: { type: 'file_input', files: [] } } });
    expect(answer.status).toBe(200);
    const root = h.dmThread(h.people.rita.user).find((m) => m.text.includes(`#${number}`))!;
    const notice = await h.waitFor(() => h.fake.thread(root.channel, root.ts).find((m) => blockText(m).includes('Please restart it')), 'reply in the requester thread');
    // User text is escaped: no channel-wide mention, no broken markup.
    expect(blockText(notice)).toContain('&lt;!channel&gt;');
    const card = await h.card(h.channels.it.id, number);
    await h.waitFor(() => h.fake.thread(h.channels.it.id, card.ts).find((m) => m.text.includes('answered the requester')), 'reply in the card thread');
  });

  it('takes the requester reply in the DM thread as a public comment, and a card thread reply as an internal note', async () => {
    const root = h.dmThread(h.people.rita.user).find((m) => m.text.includes(`#${number}`))!;
    await h.sender.messageEvent(h.people.rita.user, root.channel, 'Restarted, still jammed', { threadTs: root.ts });
    await h.waitFor(async () => (await h.models.JournalEvent.findOne({ ticketNumber: number, text: 'Restarted, still jammed' }).lean()) ?? null, 'requester comment');
    const comment = await h.models.JournalEvent.findOne({ ticketNumber: number, text: 'Restarted, still jammed' }).lean();
    expect(comment).toMatchObject({ type: 'replied', internal: false, via: 'slack' });

    const card = await h.card(h.channels.it.id, number);
    await h.waitFor(() => h.fake.thread(h.channels.it.id, card.ts).find((m) => m.text.includes('(requester) wrote')), 'requester comment in the card thread');
    const { ts } = await h.sender.messageEvent(h.people.inna.user, h.channels.it.id, 'Toner is low too', { threadTs: card.ts });
    const note = await h.waitFor(async () => h.models.JournalEvent.findOne({ ticketNumber: number, text: 'Toner is low too' }).lean(), 'note');
    expect(note).toMatchObject({ type: 'noted', internal: true, actorName: 'Inna Agent' });
    await h.settle();
    // Not echoed into the thread it was written in, and never shown to the requester.
    expect(h.fake.thread(h.channels.it.id, card.ts).filter((m) => m.text.includes('Toner is low too')).map((m) => m.ts)).toEqual([ts]);
    expect(JSON.stringify(h.fake.messages(root.channel)) + JSON.stringify(h.fake.thread(root.channel, root.ts))).not.toContain('Toner');
  });

  it('resolves, and the requester rates from the notice buttons', async () => {
    await h.press(h.people.ivan.user, h.channels.it.id, number, 'card.resolve');
    await h.cardShowing(h.channels.it.id, number, 'resolved');
    const root = h.dmThread(h.people.rita.user).find((m) => m.text.includes(`#${number}`))!;
    const notice = await h.waitFor(() => h.fake.thread(root.channel, root.ts).find((m) => blockText(m).includes('rate.4')), 'rating buttons');
    await h.sender.blockAction(h.people.rita.user, { actionId: 'rate.4', channelId: root.channel, messageTs: notice.ts });
    await h.waitFor(async () => (await h.models.Ticket.findOne({ number }).lean())?.rating?.score === 4, 'rating saved');
    await h.waitFor(() => blockText(h.fake.message(root.channel, notice.ts)).includes('Thank you!'), 'notice updated');
    expect(blockText(h.fake.message(root.channel, notice.ts))).not.toContain('rate.4');
    await h.cardShowing(h.channels.it.id, number, '4/5');
  });

  it('lists the requester tickets on the Home tab', async () => {
    await h.sender.appHomeOpened(h.people.rita.user);
    const home = await h.waitFor(() => {
      const view = h.fake.homeOf(h.people.rita.user.id);
      return view && JSON.stringify(view).includes('resolved') ? view : null;
    }, 'home tab');
    expect(JSON.stringify(home)).toContain(`#${number}`);
    expect(JSON.stringify(home)).toContain('home.new');
  });

  it('journals every change with who did it, via slack', async () => {
    const journal = await h.models.JournalEvent.find({ ticketNumber: number }).sort({ seq: 1 }).lean();
    expect(journal.map((event) => event.type)).toEqual(['opened', 'taken', 'replied', 'replied', 'noted', 'status_changed', 'rated']);
    expect(journal.every((event) => event.via === 'slack')).toBe(true);
  });
});
