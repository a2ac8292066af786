import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/database.js';
import type { ChatMessage } from '../telegram/support/bot-api-fake.js';
import { slackText, startTwoPlatforms, type TwoPlatforms } from './support/two-platforms.js';

const db = useTestDatabase('slack_cross_platform');
let h: TwoPlatforms;

beforeAll(async () => {
  h = await startTwoPlatforms(db);
});

afterAll(async () => {
  if (process.env.DUMP) console.log(JSON.stringify(h.log.lines.filter((l) => Number(l.level) >= 40), null, 1).slice(0, 6000));
  await h?.close();
});

const buttonsOf = (message: ChatMessage) => ((message.reply_markup?.inline_keyboard ?? []) as { text: string }[][]).flat().map((b) => b.text);

async function journalOf(number: number) {
  return h.models.JournalEvent.find({ ticketNumber: number }).sort({ seq: 1 }).lean();
}

describe('one department on Telegram and Slack at once', () => {
  let fromTelegram = 0;

  it('takes and answers from Slack a ticket opened on Telegram; the requester hears back on Telegram', async () => {
    const { tg, people } = h;
    const { tanya, ivan } = people;
    // Tanya has a Slack account too, found by the e-mail of her profile when she opens the Home tab.
    await h.sender.appHomeOpened(tanya.slack!);
    await h.waitFor(() => h.models.Identity.findOne({ platform: 'slack', externalId: tanya.slack!.id }).lean(), 'Tanya linked on Slack');

    fromTelegram = await h.openOnTelegram(tanya.tg!, 'Laptop does not boot\nBlack screen since the update.');
    const number = fromTelegram;
    expect(await h.models.Ticket.findOne({ number }).lean()).toMatchObject({ source: 'telegram', department: 'it', requesterId: tanya.person._id });

    // One card in the Telegram group and one in the Slack channel.
    const tgCard = await h.tgCardShowing(number, 'Laptop does not boot');
    expect(tgCard.text).toContain('Unassigned');
    const slackCard = await h.slackCardShowing(number, 'Laptop does not boot');
    expect(slackText(slackCard)).toContain('card.take');
    expect(slackText(slackCard)).toContain('Tanya Requester');

    // Ivan has no Slack identity yet: the app finds him by his Slack profile's e-mail.
    expect(await h.models.Identity.countDocuments({ platform: 'slack', personId: ivan.person._id })).toBe(0);
    const pressed = await h.pressSlack(ivan.slack!, number, 'card.take');
    expect(pressed.status).toBe(200);
    await h.tgCardShowing(number, 'Assignee: Ivan Agent');
    const taken = await h.slackCardShowing(number, 'Assignee: Ivan Agent');
    expect(slackText(taken)).toContain('card.release');
    expect(buttonsOf(await h.tgCardShowing(number, 'Assignee: Ivan Agent'))).toContain('↩️ Release');
    expect(await h.models.Identity.findOne({ platform: 'slack', externalId: ivan.slack!.id }).lean()).toMatchObject({ personId: ivan.person._id });
    await tg.waitForBotMessage(tanya.tg!.id, `Your ticket #${number} «Laptop does not boot» was taken by Ivan Agent.`);

    // He answers through the Reply modal of the Slack card.
    const viewsBefore = h.slackFake.callsOf('views.open').length;
    expect((await h.pressSlack(ivan.slack!, number, 'card.reply')).status).toBe(200);
    await h.waitFor(() => h.slackFake.callsOf('views.open').length > viewsBefore, 'the Reply modal');
    const modal = h.slackFake.openViews.findLast((v) => v.callback_id === 'ticket.comment')!;
    const answer = await h.sender.viewSubmission(ivan.slack!, String(modal.id), {
      text: { value: { type: 'plain_text_input', value: 'Hold the power button for 30 seconds, then try again.' } },
      files: { value: { type: 'file_input', files: [] } },
    });
    expect(answer.status).toBe(200);

    // Tanya reads it where she opened the ticket: her Telegram chat with the bot.
    const relayed = await tg.waitForBotMessage(tanya.tg!.id, 'Hold the power button for 30 seconds');
    expect(relayed.text).toContain(`Ivan Agent answered on #${number}`);
    await h.tgCardShowing(number, 'Ivan Agent replied');
    const slackCardNow = await h.slackCardShowing(number, '*Ivan Agent* replied');
    await h.waitFor(() => h.slackFake.thread(h.channel.id, slackCardNow.ts).find((m) => m.text.includes('answered the requester')), 'the reply under the Slack card');
    await h.settle();
    // Linked on Slack as she is, nothing about the ticket reached her there.
    expect(h.slackDm(tanya.slack!).filter((m) => slackText(m).includes(`#${number}`))).toEqual([]);
    expect(h.slackFake.callsOf('chat.postMessage').filter((c) => c.args.channel === tanya.slack!.id || c.args.channel === h.slackFake.dmOf(tanya.slack!.id))).toEqual([]);

    const journal = await journalOf(number);
    expect(journal.map((e) => [e.type, e.via])).toEqual([
      ['opened', 'telegram'],
      ['taken', 'slack'],
      ['replied', 'slack'],
    ]);
    expect(journal.slice(1).every((e) => e.actorId.equals(ivan.person._id))).toBe(true);
    // Still one card per chat: every change edited them in place.
    expect(h.slackFake.botMessages(h.channel.id).filter((m) => !m.thread_ts && m.text.includes(`#${number}`))).toHaveLength(1);
    expect(tg.botMessages(h.group.id).filter((m) => m.text?.includes(`#${number}`) && buttonsOf(m).length > 0)).toHaveLength(1);
  });

  it('takes and answers from Telegram a ticket opened on Slack; the requester hears back in the Slack thread', async () => {
    const { tg, people } = h;
    const { sam, ivan } = people;
    const number = await h.openOnSlack(sam.slack!, 'Monitor flickers\nThe left one, every few seconds.');
    expect(await h.models.Ticket.findOne({ number }).lean()).toMatchObject({ source: 'slack', department: 'it', requesterId: sam.person._id });
    const root = await h.waitFor(() => h.slackDm(sam.slack!).find((m) => !m.thread_ts && m.text.includes(`#${number}`)), 'the DM confirmation');
    await h.slackCardShowing(number, 'Monitor flickers');
    const tgCard = await h.tgCardShowing(number, 'Monitor flickers');

    // Ivan, on Telegram, takes it from the group's card.
    const taken = await tg.pressButton(ivan.tg!, tgCard, 'Take');
    expect(taken.text).toBe(`#${number} is yours.`);
    await h.tgCardShowing(number, 'Assignee: Ivan Agent');
    await h.slackCardShowing(number, 'Assignee: Ivan Agent');
    await h.waitFor(() => h.slackFake.thread(root.channel, root.ts).find((m) => slackText(m).includes('was taken by Ivan Agent')), 'taken notice in the Slack thread');

    // And answers through the force-reply prompt.
    const mark = tg.lastMessageId(h.group.id);
    await tg.pressButton(ivan.tg!, await h.tgCardShowing(number, 'Assignee: Ivan Agent'), 'Reply');
    const prompt = await tg.waitForBotMessage(ivan.tg!.id, `write the public reply to #${number}`);
    const answer = tg.sendText(ivan.tg!, null, 'Try another cable, please.', { replyTo: prompt.message_id });
    await tg.waitForReaction(ivan.tg!.id, answer.message_id, '👍');
    expect(tg.botMessages(h.group.id).filter((m) => m.message_id > mark && !m.text?.startsWith('🔵'))).toHaveLength(0);

    // Sam reads it where he opened the ticket: the ticket's thread in his DM with the app.
    const notice = await h.waitFor(() => h.slackFake.thread(root.channel, root.ts).find((m) => slackText(m).includes('Try another cable')), 'the reply in the Slack thread');
    expect(slackText(notice)).toContain('Ivan Agent');
    await h.tgCardShowing(number, 'Ivan Agent replied');
    const slackCard = await h.slackCardShowing(number, '*Ivan Agent* replied');
    // Written on Telegram, so it joins the discussion under the Slack card.
    await h.waitFor(() => h.slackFake.thread(h.channel.id, slackCard.ts).find((m) => m.text.includes('Try another cable') && m.text.includes('answered the requester')), 'the reply under the Slack card');
    await h.settle();
    // Sam has a Telegram account too: nothing about the ticket went there.
    expect(tg.botMessages(sam.tg!.id).filter((m) => (m.text ?? '').includes(`#${number}`))).toEqual([]);

    const journal = await journalOf(number);
    expect(journal.map((e) => [e.type, e.via])).toEqual([
      ['opened', 'slack'],
      ['taken', 'telegram'],
      ['replied', 'telegram'],
    ]);
    expect(journal.slice(1).every((e) => e.actorId.equals(ivan.person._id))).toBe(true);
  });

  it('is one person on both platforms, matched by e-mail or by the ids of the org config', async () => {
    const { tg, people } = h;
    const { ivan, inna, tanya } = people;
    const number = fromTelegram;

    // Ivan took it on Slack; Telegram knows him as its assignee and lets him release it.
    const released = await tg.pressButton(ivan.tg!, await h.tgCardShowing(number, 'Assignee: Ivan Agent'), 'Release');
    expect(released.text).toBe(`#${number} is back in the queue.`);
    await h.tgCardShowing(number, 'Unassigned');
    await h.slackCardShowing(number, 'card.take');

    // Inna, linked by id on both, takes it on Telegram and notes on Slack, in the card's thread.
    await tg.pressButton(inna.tg!, await h.tgCardShowing(number, 'Unassigned'), 'Take');
    await h.slackCardShowing(number, 'Assignee: Inna Agent');
    const slackCard = await h.slackCardShowing(number, 'Assignee: Inna Agent');
    await h.sender.messageEvent(inna.slack!, h.channel.id, 'BIOS battery looks dead', { threadTs: slackCard.ts });
    const note = await h.waitFor(() => h.models.JournalEvent.findOne({ ticketNumber: number, text: 'BIOS battery looks dead' }).lean(), 'the note');
    expect(note).toMatchObject({ type: 'noted', internal: true, via: 'slack', actorName: 'Inna Agent' });
    expect(note.actorId.equals(inna.person._id)).toBe(true);
    await h.tgCardShowing(number, 'Inna Agent added an internal note');
    await h.settle();
    // An internal note never reaches the requester.
    expect(tg.botMessages(tanya.tg!.id).filter((m) => (m.text ?? '').includes('BIOS battery'))).toEqual([]);

    const journal = await journalOf(number);
    expect(journal.slice(3).map((e) => [e.type, e.via, e.actorName])).toEqual([
      ['released', 'telegram', 'Ivan Agent'],
      ['taken', 'telegram', 'Inna Agent'],
      ['noted', 'slack', 'Inna Agent'],
    ]);
    // No one got a second directory entry on the way.
    expect(await h.models.Person.countDocuments({})).toBe(4);
    expect(await h.models.Identity.countDocuments({ personId: ivan.person._id })).toBe(2);
  });
});
