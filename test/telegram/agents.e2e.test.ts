import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/database.js';
import type { ChatMessage } from './support/bot-api-fake.js';
import { startHarness, type Harness } from './support/harness.js';

const db = useTestDatabase('tg_agents');
let h: Harness;

beforeAll(async () => {
  h = await startHarness(db);
});

afterAll(async () => {
  await h?.close();
});

const buttonsOf = (message: ChatMessage) => ((message.reply_markup?.inline_keyboard ?? []) as { text: string }[][]).flat().map((b) => b.text);

async function openTicket(description: string, department = 'it'): Promise<number> {
  const ticket = await h.tickets.open(h.people.rita.actor, { description, department, source: 'telegram' }, 'telegram');
  await h.cardShowing(department === 'it' ? h.groups.it : h.groups.hr, ticket.number, description.split('\n')[0]!);
  return ticket.number;
}

describe('telegram: agents in department groups', () => {
  it('/next gives the oldest unassigned ticket of my departments, first in first out', async () => {
    const { api, people, groups } = h;
    const first = await openTicket('Queue one');
    const second = await openTicket('Queue two');
    await openTicket('Queue three');
    let mark = api.lastMessageId(groups.it.id);
    api.sendText(people.ivan.user, groups.it, '/next');
    const mine = await api.waitForBotMessage(groups.it.id, `#${first} «Queue one» is yours now`, { after: mark });
    // In the group that has the card, the answer points at it instead of a copy.
    expect(mine.reply_to_message_id).toBe((await h.card(groups.it, first)).message_id);
    mark = api.lastMessageId(groups.it.id);
    api.sendText(people.inna.user, groups.it, '/next');
    await api.waitForBotMessage(groups.it.id, `#${second} «Queue two» is yours now`, { after: mark });
    await h.cardShowing(groups.it, first, 'Assignee: Ivan Agent');
    await h.cardShowing(groups.it, second, 'Assignee: Inna Agent');

    // In a private chat /next posts the live card.
    api.sendText(people.ivan.user, null, '/next');
    await api.waitForBotMessage(people.ivan.user.id, 'is yours now');
    const card = await api.waitFor(() => api.botMessages(people.ivan.user.id).find((m) => m.text?.includes('Queue three') && buttonsOf(m).length > 0), 5000, 'private card');
    expect(buttonsOf(card)).toContain('↩️ Release');
    mark = api.lastMessageId(groups.hr.id);
    api.sendText(people.hanna.user, groups.hr, '/next');
    await api.waitForBotMessage(groups.hr.id, 'The queue is empty', { after: mark });
    // A group's /next serves that department's queue only: not Ivan's, who works in IT.
    await openTicket('HR queue', 'hr');
    api.sendText(people.ivan.user, groups.hr, '/next');
    await api.waitForBotMessage(groups.hr.id, 'Only agents of a department take tickets from its queue', { after: mark });
  });

  it('/find, /ticket and /mine list and show tickets', async () => {
    const { api, people, groups } = h;
    const number = await openTicket('Printer toner empty\nThird floor, the big one.');
    await h.tickets.take(people.ivan.actor, number, 'api');
    let mark = api.lastMessageId(people.kira.user.id);
    api.sendText(people.kira.user, null, '/find toner');
    const found = await api.waitForBotMessage(people.kira.user.id, 'Found for «toner»: 1', { after: mark });
    expect(buttonsOf(found)).toEqual([`🔧 #${number} Printer toner empty`]);
    await api.pressButton(people.kira.user, found, `#${number}`);
    await api.waitForBotMessage(people.kira.user.id, 'Third floor, the big one.', { after: mark });

    mark = api.lastMessageId(people.kira.user.id);
    api.sendText(people.kira.user, null, '/find nonexistentword');
    await api.waitForBotMessage(people.kira.user.id, 'Nothing found for «nonexistentword».', { after: mark });

    mark = api.lastMessageId(groups.it.id);
    api.sendText(people.ivan.user, groups.it, `/ticket ${number}`);
    const here = await api.waitForBotMessage(groups.it.id, `#${number} is here ↑`, { after: mark });
    expect(here.reply_to_message_id).toBe((await h.card(groups.it, number)).message_id);

    mark = api.lastMessageId(people.ivan.user.id);
    api.sendText(people.ivan.user, null, '/mine');
    const mine = await api.waitForBotMessage(people.ivan.user.id, 'Your open tickets:', { after: mark });
    expect(buttonsOf(mine)).toContain(`🔧 #${number} Printer toner empty`);

    mark = api.lastMessageId(people.ivan.user.id);
    api.sendText(people.ivan.user, null, '/ticket 999999');
    await api.waitForBotMessage(people.ivan.user.id, 'Ticket #999999 was not found.', { after: mark });
  });

  it('changes priority through the picker on the card, and Back restores the buttons', async () => {
    const { api, people, groups } = h;
    const number = await openTicket('Server room too hot');
    let card = await h.card(groups.it, number);
    await api.pressButton(people.ivan.user, card, 'Priority');
    card = await api.waitFor(() => { const m = api.message(groups.it.id, card.message_id)!; return buttonsOf(m).includes('🔴 urgent') && m; }, 5000, 'priority picker');
    expect(buttonsOf(card)).toEqual(['⚪ low', '• 🔵 normal', '🟠 high', '🔴 urgent', '« Back']);
    await api.pressButton(people.ivan.user, card, 'Back');
    card = await api.waitFor(() => { const m = api.message(groups.it.id, card.message_id)!; return buttonsOf(m).includes('✋ Take') && m; }, 5000, 'card buttons back');
    await api.pressButton(people.ivan.user, card, 'Priority');
    card = await api.waitFor(() => { const m = api.message(groups.it.id, card.message_id)!; return buttonsOf(m).includes('🔴 urgent') && m; }, 5000, 'priority picker');
    const answer = await api.pressButton(people.ivan.user, card, 'urgent');
    expect(answer.text).toBe(`Priority of #${number} changed.`);
    const updated = await h.cardShowing(groups.it, number, '🔴');
    expect(updated.text).toContain('urgent');
    expect(buttonsOf(updated)).toContain('✋ Take');
    expect(updated.text).toContain('Ivan Agent set priority: urgent');
  });

  it('transfers to a department or assigns a person through the transfer picker (coordinators only)', async () => {
    const { api, people, groups } = h;
    const number = await openTicket('Contract question');
    let card = await h.card(groups.it, number);
    const refused = await api.pressButton(people.ivan.user, card, 'Transfer');
    expect(refused).toEqual({ text: `You are not allowed to do this with ticket #${number}.`, show_alert: true });

    await api.pressButton(people.kira.user, card, 'Transfer');
    card = await api.waitFor(() => { const m = api.message(groups.it.id, card.message_id)!; return buttonsOf(m).includes('🏷 HR') && m; }, 5000, 'transfer picker');
    expect(buttonsOf(card)).toEqual(['🏷 HR', '👤 Assign to a person', '« Back']);
    await api.pressButton(people.kira.user, card, 'Assign to a person');
    card = await api.waitFor(() => { const m = api.message(groups.it.id, card.message_id)!; return buttonsOf(m).includes('👤 Inna Agent') && m; }, 5000, 'person picker');
    expect(buttonsOf(card)).toEqual(['👤 Inna Agent', '👤 Ivan Agent', '👤 Kira Coordinator', '« Back']);
    await api.pressButton(people.kira.user, card, 'Inna Agent');
    await h.cardShowing(groups.it, number, 'Assignee: Inna Agent');
    await api.waitForBotMessage(people.inna.user.id, `Kira Coordinator assigned #${number} «Contract question» to you.`);

    card = await h.card(groups.it, number);
    await api.pressButton(people.kira.user, card, 'Transfer');
    card = await api.waitFor(() => { const m = api.message(groups.it.id, card.message_id)!; return buttonsOf(m).includes('🏷 HR') && m; }, 5000, 'transfer picker');
    expect((await api.pressButton(people.kira.user, card, 'HR')).text).toBe(`#${number} transferred.`);
    // The HR group gets its card; the IT card shows the transfer once more, without buttons,
    // and then nothing of what HR does: IT no longer sees the ticket.
    await h.cardShowing(groups.hr, number, 'Contract question');
    const itCard = await h.cardShowing(groups.it, number, 'Kira Coordinator transferred it to HR');
    expect(itCard.text).toContain('🏷 HR');
    expect(itCard.text).toContain('Unassigned');
    expect(buttonsOf(itCard)).toEqual([]);
    await h.tickets.note(people.hanna.actor, number, { text: 'Payroll export attached, do not forward' }, 'telegram');
    await h.cardShowing(groups.hr, number, 'Payroll export attached');
    await h.settle();
    expect((await h.card(groups.it, number)).text).not.toContain('Payroll export');
    // Moved back, the IT card follows the ticket again.
    await h.tickets.transfer(people.max.actor, number, { department: 'it' }, 'api');
    const back = await h.cardShowing(groups.it, number, 'Max Manager transferred it to IT support');
    expect(buttonsOf(back)).toContain('✋ Take');
  });

  it('takes internal notes that never reach the requester, and shows the full history to staff', async () => {
    const { api, people, groups } = h;
    const number = await openTicket('Laptop battery swollen');
    await api.pressButton(people.ivan.user, await h.card(groups.it, number), 'Note');
    const prompt = await api.waitForBotMessage(people.ivan.user.id, `write an internal note on #${number}`);
    const note = api.sendText(people.ivan.user, null, 'Supplier warranty covers it, order ref 55-A', { replyTo: prompt.message_id });
    await api.waitForReaction(people.ivan.user.id, note.message_id, '👍');
    await h.cardShowing(groups.it, number, 'Ivan Agent added an internal note');
    expect((await h.card(groups.it, number)).text).toContain('🔒 Supplier warranty covers it');

    const mark = api.lastMessageId(groups.it.id);
    await api.pressButton(people.inna.user, await h.card(groups.it, number), 'History');
    const history = await api.waitForBotMessage(groups.it.id, 'Supplier warranty covers it', { after: mark });
    expect(history.text).toContain('Rita Requester opened the ticket');
    expect(history.text).toContain('🔒 Ivan Agent added an internal note');

    // The assignee hears of the note in private; answering it continues the internal talk.
    await api.pressButton(people.inna.user, await h.card(groups.it, number), 'Take');
    await h.cardShowing(groups.it, number, 'Assignee: Inna Agent');
    api.sendText(people.ivan.user, null, 'Spare battery is in the cabinet', { replyTo: prompt.message_id });
    const noticed = await api.waitForBotMessage(people.inna.user.id, 'Spare battery is in the cabinet');
    expect(noticed.text).toContain('internal note');
    const answer = api.sendText(people.inna.user, null, 'Got it, swapping it today', { replyTo: noticed.message_id });
    await api.waitForReaction(people.inna.user.id, answer.message_id, '👍');
    const last = await h.models.JournalEvent.findOne({ ticketNumber: number }).sort({ seq: -1 }).lean();
    expect(last).toMatchObject({ type: 'noted', internal: true, text: 'Got it, swapping it today' });

    await h.settle();
    const toRequester = api.botMessages(people.rita.user.id).map((m) => m.text ?? '');
    expect(toRequester.some((text) => /Supplier warranty|Spare battery|swapping it/.test(text))).toBe(false);
  });

  it('waits for the requester and resumes when they answer', async () => {
    const { api, people, groups } = h;
    const number = await openTicket('VPN drops every hour');
    await api.pressButton(people.ivan.user, await h.card(groups.it, number), 'Take');
    await h.cardShowing(groups.it, number, 'Assignee: Ivan Agent');
    await api.pressButton(people.ivan.user, await h.card(groups.it, number), 'Wait for requester');
    const waiting = await api.waitForBotMessage(people.rita.user.id, `#${number} «VPN drops every hour»: Ivan Agent is waiting for your answer.`);
    const card = await h.cardShowing(groups.it, number, 'waiting for requester');
    expect(buttonsOf(card)).toContain('▶️ Resume');
    const comment = api.sendText(people.rita.user, null, 'It dropped at 10:00 and 11:00', { replyTo: waiting.message_id });
    await api.waitForReaction(people.rita.user.id, comment.message_id, '👍');
    await h.cardShowing(groups.it, number, 'in progress');
  });

  it('keeps a group to its own department: other tickets are only shown in private', async () => {
    const { api, people, groups } = h;
    const hrNumber = await openTicket('Salary certificate needed', 'hr');
    let mark = api.lastMessageId(groups.it.id);
    api.sendText(people.max.user, groups.it, `/ticket ${hrNumber}`);
    await api.waitForBotMessage(groups.it.id, `#${hrNumber} belongs to another department`, { after: mark });
    api.sendText(people.max.user, groups.it, '/find salary');
    await api.waitForBotMessage(groups.it.id, 'Nothing found for «salary».', { after: mark });
    expect(api.botMessages(groups.it.id).some((m) => m.text?.includes('Salary certificate'))).toBe(false);

    mark = api.lastMessageId(people.max.user.id);
    api.sendText(people.max.user, null, '/find salary');
    const found = await api.waitForBotMessage(people.max.user.id, 'Found for «salary»: 1', { after: mark });
    await api.pressButton(people.max.user, found, `#${hrNumber}`);
    await api.waitFor(() => api.botMessages(people.max.user.id).find((m) => m.text?.includes('Salary certificate needed') && buttonsOf(m).length > 0), 5000, 'private card');

    const lounge = api.createGroup('Coffee lounge');
    api.sendText(people.ivan.user, lounge, '/mine');
    await api.waitForBotMessage(lounge.id, 'This group is not bound to a department.');
  });

  it('resolves, closes and reopens from the card', async () => {
    const { api, people, groups } = h;
    const number = await openTicket('Projector bulb');
    await api.pressButton(people.ivan.user, await h.card(groups.it, number), 'Resolve');
    let card = await h.cardShowing(groups.it, number, 'resolved');
    expect(buttonsOf(card)).toEqual(['💬 Reply', '🔒 Note', '⚡ Priority', '🔀 Transfer', '📜 History', '🗄 Close', '🔄 Reopen']);
    await api.pressButton(people.ivan.user, card, 'Close');
    card = await h.cardShowing(groups.it, number, '🔒 closed');
    expect(buttonsOf(card)).toEqual(['🔒 Note', '🔀 Transfer', '📜 History', '🔄 Reopen']);
    // Reopening a closed ticket is a coordinator's decision.
    expect((await api.pressButton(people.ivan.user, card, 'Reopen')).show_alert).toBe(true);
    expect((await api.pressButton(people.kira.user, card, 'Reopen')).text).toBe(`#${number} reopened.`);
    await h.cardShowing(groups.it, number, 'new');
  });

  it('/bind binds a group for admins only', async () => {
    const { api, people } = h;
    const group = api.createGroup('Second HR room');
    api.sendText(people.ivan.user, group, '/bind hr');
    await api.waitForBotMessage(group.id, 'Only administrators may do this.');
    api.sendText(people.ada.user, group, '/bind');
    const usage = await api.waitForBotMessage(group.id, 'Usage: /bind <department>');
    expect(usage.text).toContain('hr — HR');
    api.sendText(people.ada.user, group, '/bind nope');
    await api.waitForBotMessage(group.id, 'No such department.');
    api.sendText(people.ada.user, group, '/bind hr');
    await api.waitForBotMessage(group.id, 'This group now receives the tickets of «HR».');
    const number = await openTicket('Payslip missing', 'hr');
    await h.cardShowing(group, number, 'Payslip missing');
    api.sendText(people.ivan.user, null, '/bind it');
    await api.waitForBotMessage(people.ivan.user.id, '/bind works in a group');
  });
});
