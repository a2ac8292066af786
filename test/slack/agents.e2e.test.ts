import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/database.js';
import { startSlackHarness, type SlackHarness } from './support/harness.js';

const db = useTestDatabase('slack_agents');
let h: SlackHarness;
let first = 0;
let second = 0;

beforeAll(async () => {
  h = await startSlackHarness(db);
  const open = async (title: string) =>
    (await h.tickets.open(h.people.rita.actor, { department: 'it', description: `${title}\nDetails of ${title}`, source: 'slack' }, 'slack')).number;
  first = await open('Printer jammed on floor 3');
  second = await open('VPN does not connect');
  await h.settle();
});

afterAll(async () => {
  await h?.close();
});

const text = (value: unknown) => JSON.stringify(value ?? '');
const openTicket = async (description: string) =>
  (await h.tickets.open(h.people.rita.actor, { department: 'it', description, source: 'slack' }, 'slack')).number;

async function ephemeralSaying(userId: string, match: string) {
  return h.waitFor(() => h.fake.ephemerals(userId).find((m) => text(m).includes(match)), `ephemeral to ${userId} saying ${match}`);
}

describe('slack: every card action is authorized on the server', () => {
  it('refuses a press whose ticket is not the card it was pressed on (forged), changes nothing and logs it', async () => {
    const card = await h.card(h.channels.it.id, first);
    await h.sender.blockAction(h.people.ivan.user, { actionId: 'card.take', value: String(second), channelId: h.channels.it.id, messageTs: card.ts });
    await ephemeralSaying(h.people.ivan.user.id, 'does not match');
    await h.sender.blockAction(h.people.ivan.user, { actionId: 'card.resolve', value: String(first), channelId: h.channels.it.id, messageTs: '1700000000.999999' });
    await h.sender.blockAction(h.people.ivan.user, { actionId: 'card.delete_everything', value: String(first), channelId: h.channels.it.id, messageTs: card.ts });
    await h.waitFor(() => h.fake.ephemerals(h.people.ivan.user.id).filter((m) => text(m).includes('does not match')).length === 3, 'three refusals');
    const tickets = (await h.models.Ticket.find({}).sort({ number: 1 }).lean()).filter((t) => [first, second].includes(t.number));
    expect(tickets.map((t) => [t.status, t.assigneeId])).toEqual([['new', null], ['new', null]]);
    expect(h.log.find('slack action refused').filter((line) => line.level === 40).length).toBeGreaterThanOrEqual(3);
  });

  it('refuses an agent of another department, a requester and a stranger, ephemerally', async () => {
    await h.press(h.people.hanna.user, h.channels.it.id, first, 'card.take');
    // Another department's ticket is not even visible to her: "not found", as for any ticket she may not see.
    await ephemeralSaying(h.people.hanna.user.id, `#${first} was not found`);
    await h.press(h.people.hanna.user, h.channels.it.id, first, 'card.reply');
    await h.waitFor(() => h.fake.ephemerals(h.people.hanna.user.id).length === 2, 'second refusal');
    expect(h.fake.openViews.filter((v) => v.callback_id === 'ticket.comment')).toHaveLength(0);
    // The requester sees her ticket but may not take it; she is not in the channel, so the answer comes by DM.
    await h.press(h.people.rita.user, h.channels.it.id, first, 'card.take');
    await h.waitFor(() => h.dmThread(h.people.rita.user).find((m) => m.text.includes(`not allowed to do this with ticket #${first}`)), 'refusal by DM');
    await h.press(h.stranger, h.channels.it.id, first, 'card.take');
    await ephemeralSaying(h.stranger.id, 'staff directory');
    expect((await h.models.Ticket.findOne({ number: first }).lean())!.status).toBe('new');
    const refusal = h.log.find('slack action refused').find((line) => line.code === 'TICKET_NOT_FOUND');
    expect(refusal).toMatchObject({ user: h.people.hanna.user.id, action: 'card.take', level: 40 });
  });

  it('changes priority through its modal, for agents of the department', async () => {
    await h.press(h.people.ivan.user, h.channels.it.id, first, 'card.priority');
    const modal = await h.waitFor(() => h.fake.openViews.find((v) => v.callback_id === 'ticket.priority'), 'priority modal');
    await h.sender.viewSubmission(h.people.ivan.user, String(modal.id), { priority: { value: { type: 'static_select', selected_option: { value: 'urgent' } } } });
    await h.cardShowing(h.channels.it.id, first, 'urgent');
    expect((await h.models.Ticket.findOne({ number: first }).lean())!.priority).toBe('urgent');
  });

  it('shows the history ephemerally, internal notes included for staff', async () => {
    await h.tickets.note(h.people.ivan.actor, first, { text: 'Called the vendor' }, 'slack');
    await h.press(h.people.inna.user, h.channels.it.id, first, 'card.history');
    const history = await ephemeralSaying(h.people.inna.user.id, 'Called the vendor');
    expect(text(history)).toContain('opened the ticket');
  });

  it('transfers through its modal: the other department gets the card, this one a last read-only render', async () => {
    await h.press(h.people.kira.user, h.channels.it.id, second, 'card.transfer');
    const modal = await h.waitFor(() => h.fake.openViews.find((v) => v.callback_id === 'ticket.transfer'), 'transfer modal');
    const empty = await h.sender.viewSubmission(h.people.kira.user, String(modal.id), {});
    expect(empty.json()).toMatchObject({ response_action: 'errors' });
    await h.sender.viewSubmission(h.people.kira.user, String(modal.id), { department: { value: { type: 'static_select', selected_option: { value: 'hr' } } } });
    await h.cardShowing(h.channels.hr.id, second, 'card.take');
    const old = await h.cardShowing(h.channels.it.id, second, 'HR');
    expect(text(old.blocks)).not.toContain('card.take');
  });
  it('reaches a person of the directory who never wrote to the app, found by e-mail', async () => {
    const user = h.fake.createUser({ name: 'olga', email: 'olga@example.test' });
    const olga = await h.models.Person.create({ name: 'Olga Agent', role: 'agent', departments: ['it'], origin: 'config', email: 'olga@example.test' });
    const number = await openTicket('Monitor is blank');
    await h.settle();
    const before = h.fake.openViews.length;
    await h.press(h.people.kira.user, h.channels.it.id, number, 'card.transfer');
    const modal = await h.waitFor(() => h.fake.openViews.slice(before).find((v) => v.callback_id === 'ticket.transfer'), 'transfer modal');
    expect(text(modal.blocks)).toContain('Olga Agent');
    await h.sender.viewSubmission(h.people.kira.user, String(modal.id), { assignee: { value: { type: 'static_select', selected_option: { value: olga._id.toString() } } } });
    await h.waitFor(() => h.dmThread(user).find((m) => text(m.blocks).includes(`assigned #${number}`)), 'notice to Olga');
    expect(await h.models.Identity.countDocuments({ platform: 'slack', externalId: user.id, personId: olga._id })).toBe(1);
  });
});

describe('slack: /helpdesk commands', () => {
  it('next takes the oldest unassigned ticket of the channel department and puts its live card in the DM', async () => {
    const answer = await h.sender.command(h.people.inna.user, '/helpdesk', 'next', { channelId: h.channels.it.id });
    expect(answer.status).toBe(200);
    const response = await h.waitFor(() => h.fake.responses(answer.responseUrl)[0], 'next response');
    expect(text(response)).toContain(`#${first}`);
    expect((await h.models.Ticket.findOne({ number: first }).lean())!.assigneeName).toBe('Inna Agent');
    await h.cardShowing(h.channels.it.id, first, 'Inna Agent');
    const second = await h.sender.command(h.people.inna.user, '/helpdesk', 'next', { channelId: h.channels.it.id });
    await h.waitFor(() => text(h.fake.responses(second.responseUrl)[0]).includes('queue is empty'), 'empty queue');
  });

  it('find, mine and ticket answer ephemerally; a requester sees only the public history', async () => {
    const found = await h.sender.command(h.people.ivan.user, '/helpdesk', 'find printer', { channelId: h.channels.it.id });
    expect(text(await h.waitFor(() => h.fake.responses(found.responseUrl)[0], 'find'))).toContain('Printer jammed');
    const mine = await h.sender.command(h.people.inna.user, '/helpdesk', 'mine', { channelId: h.channels.it.id });
    expect(text(await h.waitFor(() => h.fake.responses(mine.responseUrl)[0], 'mine'))).toContain(`#${first}`);
    const shown = await h.sender.command(h.people.rita.user, '/helpdesk', `ticket ${first}`, { channelId: h.fake.dmOf(h.people.rita.user.id) });
    const history = text(await h.waitFor(() => h.fake.responses(shown.responseUrl)[0], 'ticket'));
    expect(history).toContain('Printer jammed');
    expect(history).not.toContain('Called the vendor');
    const other = await h.sender.command(h.people.hanna.user, '/helpdesk', `ticket ${first}`, { channelId: h.channels.hr.id });
    expect(text(await h.waitFor(() => h.fake.responses(other.responseUrl)[0], 'refusal'))).toContain(`#${first} was not found`);
    const bad = await h.sender.command(h.people.ivan.user, '/helpdesk', 'ticket abc', { channelId: h.channels.it.id });
    expect(text(await h.waitFor(() => h.fake.responses(bad.responseUrl)[0], 'usage'))).toContain('Usage');
    const unknown = await h.sender.command(h.people.ivan.user, '/helpdesk', 'frobnicate', { channelId: h.channels.it.id });
    expect(text(await h.waitFor(() => h.fake.responses(unknown.responseUrl)[0], 'unknown'))).toContain('/helpdesk help');
  });

  it('bind is for admins: the channel then receives the department cards', async () => {
    const channel = h.fake.createChannel('facilities', { botIsMember: false, members: [h.people.ada.user.id, h.people.ivan.user.id] });
    const refused = await h.sender.command(h.people.ivan.user, '/helpdesk', 'bind hr', { channelId: channel.id });
    expect(text(await h.waitFor(() => h.fake.responses(refused.responseUrl)[0], 'refusal'))).toContain('administrators');
    const bound = await h.sender.command(h.people.ada.user, '/helpdesk', 'bind hr', { channelId: channel.id });
    expect(text(await h.waitFor(() => h.fake.responses(bound.responseUrl)[0], 'bound'))).toContain('HR'.toLowerCase());
    expect(await h.models.ChatBinding.countDocuments({ platform: 'slack', chatId: channel.id, department: 'hr' })).toBe(1);
    expect(h.fake.callsOf('conversations.join').map((call) => call.args.channel)).toContain(channel.id);
    const number = (await h.tickets.open(h.people.rita.actor, { department: 'hr', description: 'Vacation form', source: 'slack' }, 'slack')).number;
    await h.cardShowing(channel.id, number, 'Vacation form');
  });
});

describe('slack: a ticket from any message', () => {
  it('opens the modal prefilled, links the ticket to the message and says so in its thread', async () => {
    const message = h.fake.userPosts(h.people.ivan.user.id, h.channels.it.id, 'The badge reader at the back door is dead');
    await h.sender.messageShortcut(h.people.ivan.user, 'ticket_from_message', h.channels.it.id, message);
    const modal = await h.waitFor(() => h.fake.openViews.find((v) => v.callback_id === 'ticket.new' && text(v).includes('badge reader')), 'prefilled modal');
    // Staff choose a priority.
    expect(text(modal.blocks)).toContain('"block_id":"priority"');
    await h.submitNewTicket(h.people.ivan.user, String(modal.id), { department: 'it', description: 'The badge reader at the back door is dead', priority: 'high' });
    const ticket = await h.waitFor(async () => h.models.Ticket.findOne({ title: 'The badge reader at the back door is dead' }).lean(), 'ticket');
    expect(ticket.priority).toBe('high');
    expect(ticket.description).toContain(`https://fake.slack.test/archives/${h.channels.it.id}/p`);
    await h.waitFor(() => h.fake.thread(h.channels.it.id, message.ts).find((m) => m.text.includes(`#${ticket.number}`)), 'link in the message thread');
  });
});

describe('slack: Block Kit limits', () => {
  it('keeps every card and history within Block Kit limits, with user text escaped', async () => {
    const title = `${'Long title <!here> & *bold* '.repeat(10)}`.slice(0, 200);
    const number = await openTicket(`${title}\n${'<@U999> very long description '.repeat(600)}`);
    const card = await h.cardShowing(h.channels.it.id, number, '&lt;!here&gt;');
    expect(h.fake.validateBlocks(card.blocks)).toEqual([]);
    expect(text(card.blocks)).not.toContain('<!here>');
    // More events than 50 blocks hold; History reads the journal, so the outbox need not finish first.
    for (let i = 0; i < 50; i += 1) await h.tickets.note(h.people.ivan.actor, number, { text: `Note ${i} ${'x'.repeat(2500)}` }, 'slack');
    await h.press(h.people.ivan.user, h.channels.it.id, number, 'card.history');
    const history = await h.waitFor(() => h.fake.ephemerals(h.people.ivan.user.id).find((m) => text(m).includes('Note 49')), 'history');
    expect(history.blocks!.length).toBeLessThanOrEqual(50);
    expect(text(history)).toContain('older events are not shown');
  }, 90_000);
});
