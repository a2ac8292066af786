import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/database.js';
import type { ChatMessage } from './support/bot-api-fake.js';
import { startHarness, type Harness } from './support/harness.js';

const db = useTestDatabase('tg_authz');
let h: Harness;

beforeAll(async () => {
  h = await startHarness(db);
});

afterAll(async () => {
  await h?.close();
});

async function openTicket(title: string): Promise<{ number: number; card: ChatMessage }> {
  const ticket = await h.tickets.open(h.people.rita.actor, { description: title, department: 'it', source: 'telegram' }, 'telegram');
  const card = await h.cardShowing(h.groups.it, ticket.number, title);
  return { number: ticket.number, card };
}

const dataOf = (message: ChatMessage, label: string): string =>
  String((message.reply_markup!.inline_keyboard as { text: string; callback_data: string }[][]).flat().find((b) => b.text.includes(label))!.callback_data);

describe('telegram: every button press is authorized on the server', () => {
  it('refuses hand-made, edited and copied callback data with an alert, changes nothing and logs it', async () => {
    const { api, people } = h;
    const { number, card } = await openTicket('Forged presses target');
    const other = await openTicket('Another ticket');
    const take = dataOf(card, 'Take');

    const attempts = [
      `1:tk:${number}:AAAAAAAA`, // hand-made signature
      take.replace(`:${number}:`, `:${other.number}:`), // edited ticket number
      '1:rv:' + String(number), // no signature at all
      'x'.repeat(64),
    ];
    // A button copied from the HR group's chat: signed for that chat, refused in this one.
    const hrCard = await h.tickets.open(people.rita.actor, { description: 'HR card', department: 'hr', source: 'telegram' }, 'telegram');
    const hrMessage = await h.cardShowing(h.groups.hr, hrCard.number, 'HR card');
    attempts.push(dataOf(hrMessage, 'Take').replace(`:${hrCard.number}:`, `:${number}:`));
    for (const data of attempts) {
      const answer = await api.pressData(people.ivan.user, card, data);
      expect(answer, data).toEqual({ text: 'This button is not valid. Nothing was changed.', show_alert: true });
    }
    const ticket = await h.models.Ticket.findOne({ number }).lean();
    expect(ticket).toMatchObject({ assigneeId: null, status: 'new', version: 1 });
    const warnings = h.log.find('telegram callback with invalid or forged data refused');
    expect(warnings.length).toBe(attempts.length);
    expect(warnings[0]).toMatchObject({ level: 40, from: people.ivan.user.id, chat: h.groups.it.id });
  });

  it('refuses a press by someone who is not an agent of the department, and by an unknown account', async () => {
    const { api, people } = h;
    const { number, card } = await openTicket('Only IT may touch this');

    // An agent of another department does not even see the ticket (its existence does not leak).
    const byHr = await api.pressButton(people.hanna.user, card, 'Take');
    expect(byHr).toEqual({ text: `Ticket #${number} was not found.`, show_alert: true });
    // The requester sees it but may not resolve it.
    const byRequester = await api.pressButton(people.rita.user, card, 'Resolve');
    expect(byRequester).toEqual({ text: `You are not allowed to do this with ticket #${number}.`, show_alert: true });
    const pickerByHr = await api.pressButton(people.hanna.user, card, 'Priority');
    expect(pickerByHr.show_alert).toBe(true);
    expect(api.message(h.groups.it.id, card.message_id)!.edits).toBe(0);

    const stranger = api.createUser({ firstName: 'Stranger' });
    const byStranger = await api.pressButton(stranger, card, 'Close');
    expect(byStranger).toEqual({ text: 'I do not know you yet: open a private chat with me and send /start.', show_alert: true });

    const ticket = await h.models.Ticket.findOne({ number }).lean();
    expect(ticket).toMatchObject({ assigneeId: null, status: 'new', priority: 'normal', version: 1 });
    const refused = h.log.find('telegram action refused').filter((line) => (line.params as { number?: number })?.number === number);
    expect(refused.map((line) => line.code)).toEqual(expect.arrayContaining(['FORBIDDEN', 'TICKET_NOT_FOUND']));
    expect(refused.every((line) => line.level === 40)).toBe(true);
    expect(h.log.find('telegram action by an unlinked account refused').some((line) => line.from === stranger.id)).toBe(true);
  });

  it('gives a ticket to exactly one of two agents pressing Take at once and tells the other who has it', async () => {
    const { api, people } = h;
    const { number, card } = await openTicket('Race for this one');
    // Inna presses on her own copy of the card (a private chat), so both presses run in parallel.
    api.sendText(people.inna.user, null, `/ticket ${number}`);
    const privateCard = await api.waitForBotMessage(people.inna.user.id, 'Race for this one');

    const [ivanAnswer, innaAnswer] = await Promise.all([
      api.pressButton(people.ivan.user, card, 'Take'),
      api.pressButton(people.inna.user, privateCard, 'Take'),
    ]);
    const ticket = await h.models.Ticket.findOne({ number }).lean();
    const winner = ticket!.assigneeName;
    expect(['Ivan Agent', 'Inna Agent']).toContain(winner);
    const [won, lost] = winner === 'Ivan Agent' ? [ivanAnswer, innaAnswer] : [innaAnswer, ivanAnswer];
    expect(won).toEqual({ text: `#${number} is yours.` });
    expect(lost).toEqual({ text: `Ticket #${number} is already taken by ${winner}.`, show_alert: true });
    expect(await h.models.JournalEvent.countDocuments({ ticketNumber: number, type: 'taken' })).toBe(1);
    // Both copies of the card show the winner.
    await h.cardShowing(h.groups.it, number, `Assignee: ${winner}`);
    await h.cardShowing(h.api.privateChat(people.inna.user), number, `Assignee: ${winner}`);
  });

  it('answers a replayed press (a button that no longer applies) with the reason, changing nothing', async () => {
    const { api, people } = h;
    const { number, card } = await openTicket('Replay me');
    const resolve = dataOf(card, 'Resolve');
    expect((await api.pressData(people.ivan.user, card, resolve)).text).toBe(`#${number} resolved.`);
    const again = await api.pressData(people.ivan.user, card, resolve);
    expect(again).toEqual({ text: `#${number} is resolved: reopen it first (🔄 Reopen on its card), then try again.`, show_alert: true });
    expect(await h.models.JournalEvent.countDocuments({ ticketNumber: number })).toBe(2);
  });
});
