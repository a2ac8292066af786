import pino from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import type { JournalEvent } from '../../src/db/models/journal-event.js';
import type { Ticket } from '../../src/db/models/ticket.js';
import { ChannelRegistry } from '../../src/notify/channel.js';
import { createEventDelivery, DeliveryIncomplete, type EventDelivery, type EventToDeliver } from '../../src/notify/deliver-event.js';
import { createTicketService, type TicketService } from '../../src/tickets/ticket-service.js';
import { useTestDatabase } from '../support/database.js';
import { seedDeliveryOrg, type DeliveryOrg } from '../support/delivery-org.js';
import { RecordingChannel } from '../support/recording-channel.js';

const db = useTestDatabase('deliver_event');
const logger = pino({ level: 'silent' });
let channel: RecordingChannel;
let tickets: TicketService;
let delivery: EventDelivery;
let org: DeliveryOrg;

function target(change: { event: JournalEvent; ticket: Ticket }): EventToDeliver {
  return { eventId: change.event._id, ticketId: change.ticket._id, assigneeId: change.ticket.assigneeId };
}

function newDelivery(registeredChannel: RecordingChannel): EventDelivery {
  const channels = new ChannelRegistry();
  channels.register(registeredChannel);
  return createEventDelivery({ models: db.current.models, channels, logger, locale: 'ru', clock: () => new Date() });
}

async function open(description: string, department = 'it') {
  const ticket = await tickets.open(org.requester, { description, department, source: 'telegram' }, 'telegram');
  const [event] = await tickets.journal(org.agent, ticket.number);
  return { ticket, event: event! };
}

beforeAll(async () => {
  org = await seedDeliveryOrg(db.current);
  tickets = createTicketService({ models: db.current.models, clock: () => new Date(), logger, timezone: 'UTC' });
  channel = new RecordingChannel();
  delivery = newDelivery(channel);
});

describe('delivering a journal event', () => {
  it('posts one card per bound chat and edits it in place, always showing the ticket as it is now', async () => {
    const opened = await open('Monitor flickers');
    await delivery.deliver(target(opened));
    const taken = await tickets.take(org.agent, opened.ticket.number, 'api');
    const replied = await tickets.reply(org.agent, opened.ticket.number, { text: 'Swap the cable' }, 'api');
    // Delivered late and out of order: the card still ends on the newest state.
    await delivery.deliver(target(replied));
    await delivery.deliver(target(taken));
    const cards = channel.cardsOf(opened.ticket.number);
    expect(cards).toHaveLength(1);
    const [messageId, renders] = cards[0]!;
    expect(messageId.startsWith('-100/')).toBe(true);
    expect(renders.map((card) => card.lastEvent.type)).toEqual(['opened', 'replied']);
    expect(renders.at(-1)!.ticket.version).toBe(3);
    expect(renders[0]!.departmentName).toBe('ИТ');
    expect(channel.directsOf(opened.ticket.number, '111').map((d) => d.notice.event.type).sort()).toEqual(['replied', 'taken']);
  });

  it('keeps the old card true after a transfer and posts in the new department', async () => {
    const opened = await open('Vacation form');
    await delivery.deliver(target(opened));
    await delivery.deliver(target(await tickets.transfer(org.agent, opened.ticket.number, { department: 'hr' }, 'api')));
    const cards = channel.cardsOf(opened.ticket.number);
    expect(cards.map(([id]) => id.split('/')[0]).sort()).toEqual(['-100', '-200']);
    expect(cards.find(([id]) => id.startsWith('-100/'))![1].at(-1)!.ticket.department).toBe('hr');
  });

  it("keeps a person's own card up to date only while they may see the ticket", async () => {
    const opened = await open('Personal cards');
    await delivery.deliver(target(opened));
    const { models } = db.current;
    // Cards shown by /ticket in the private chats of an IT agent (333) and of a manager (222).
    for (const [chatId, viewer] of [['333', org.other], ['222', org.agent]] as const) {
      const first = channel.cardsOf(opened.ticket.number)[0]![1][0]!;
      const { messageId } = await channel.postCard(chatId, () => Promise.resolve(first));
      await models.CardMessage.create({ ticketId: opened.ticket._id, ticketNumber: opened.ticket.number, platform: 'telegram', chatId, messageId, version: 1, viewerId: viewer.id });
    }
    await delivery.deliver(target(await tickets.transfer(org.agent, opened.ticket.number, { department: 'hr' }, 'api')));
    await delivery.deliver(target(await tickets.note(org.agent, opened.ticket.number, { text: 'HR only' }, 'api')));
    const renders = (chatId: string) => channel.cardsOf(opened.ticket.number).find(([id]) => id.startsWith(`${chatId}/`))![1];
    // The IT agent saw the transfer, read-only, then nothing more.
    expect(renders('333').slice(1).map((card) => [card.lastEvent.type, card.readOnly ?? false])).toEqual([['transferred', true]]);
    expect((await models.CardMessage.findOne({ chatId: '333' }).lean())?.frozen).toBe(true);
    // The manager sees everything, everywhere: the card follows on.
    expect(renders('222').slice(1).map((card) => card.lastEvent.type)).toEqual(['transferred', 'noted']);
  });

  it('sends nothing twice when the same event is delivered again', async () => {
    const opened = await open('Deliver me twice');
    const taken = await tickets.take(org.agent, opened.ticket.number, 'api');
    await delivery.deliver(target(opened));
    await delivery.deliver(target(taken));
    await delivery.deliver(target(taken));
    expect(channel.directsOf(opened.ticket.number, '111')).toHaveLength(1);
    // Posted after the take, the card showed it at once: no edit was owed.
    expect(channel.cardsOf(opened.ticket.number)[0]![1].map((card) => card.lastEvent.type)).toEqual(['taken']);
  });

  it('sends nothing twice when two workers deliver the same events at once', async () => {
    const second = newDelivery(channel);
    const opened = await open('Two workers');
    const taken = await tickets.take(org.agent, opened.ticket.number, 'api');
    const results = await Promise.allSettled([opened, taken, opened, taken].map((change, i) => (i % 2 ? second : delivery).deliver(target(change))));
    // A worker that finds a delivery in progress elsewhere asks to be retried, never sends.
    for (const result of results) if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(DeliveryIncomplete);
    // What each worker sent is marked a moment later (in one write): let both marks land.
    await Promise.all([delivery.flush(), second.flush()]);
    await delivery.deliver(target(opened));
    await delivery.deliver(target(taken));
    expect(channel.cardsOf(opened.ticket.number)).toHaveLength(1);
    expect(channel.directsOf(opened.ticket.number, '111')).toHaveLength(1);
  });

  it('reports what a platform that is down still owes, and a retry sends only that', async () => {
    const opened = await open('Platform down');
    await delivery.deliver(target(opened));
    const taken = await tickets.take(org.agent, opened.ticket.number, 'api');
    channel.failures = 1; // the card edit fails, the notice goes out
    channel.retryAfterMs = 7000;
    const failure = await delivery.deliver(target(taken)).then(() => null, (error: unknown) => error);
    channel.retryAfterMs = null;
    expect(failure).toBeInstanceOf(DeliveryIncomplete);
    expect((failure as DeliveryIncomplete).retryAfterMs).toBe(7000);
    expect(channel.directsOf(opened.ticket.number, '111')).toHaveLength(1);
    await delivery.deliver(target(taken));
    expect(channel.directsOf(opened.ticket.number, '111')).toHaveLength(1);
    expect(channel.cardsOf(opened.ticket.number)[0]![1].map((card) => card.lastEvent.type)).toEqual(['opened', 'taken']);
  });

  it('gives up on a person who blocked the bot without failing the rest', async () => {
    const opened = await open('Blocked requester');
    channel.blocked.add('111');
    try {
      await delivery.deliver(target(await tickets.take(org.agent, opened.ticket.number, 'api')));
      const calls = channel.calls;
      await delivery.deliver(target(await tickets.reply(org.agent, opened.ticket.number, { text: 'Anyone?' }, 'api')));
      expect(channel.calls).toBe(calls + 2); // the card and one attempt at the notice; nothing owed
      expect(await db.current.models.Delivery.countDocuments({ state: 'abandoned' })).toBe(2);
    } finally {
      channel.blocked.delete('111');
    }
  });

  it('never tells the requester about internal notes', async () => {
    const opened = await open('Secret');
    await tickets.take(org.agent, opened.ticket.number, 'api');
    await delivery.deliver(target(await tickets.note(org.other, opened.ticket.number, { text: 'internal' }, 'api')));
    expect(channel.directsOf(opened.ticket.number, '111')).toHaveLength(0);
    expect(channel.directsOf(opened.ticket.number, '222').map((d) => d.notice.event.type)).toEqual(['noted']);
  });

  it('tells the assignee of the moment, even when the ticket changed hands before the delivery ran', async () => {
    const opened = await open('Changing hands');
    const assigned = await tickets.assign(org.agent, opened.ticket.number, org.other.id, 'api');
    await tickets.assign(org.agent, opened.ticket.number, org.agent.id, 'api');
    await delivery.deliver(target(assigned));
    expect(channel.directsOf(opened.ticket.number, '333').map((d) => d.notice.event.type)).toEqual(['assigned']);
  });
});
