import pino from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { actorFromPerson, type Actor } from '../../src/people/actor.js';
import { ChannelError, ChannelRegistry, type ChatChannel, type DirectNotice, type TicketCard } from '../../src/notify/channel.js';
import { createNotifier, type Notifier } from '../../src/notify/notifier.js';
import { createTicketService, type TicketService } from '../../src/tickets/ticket-service.js';
import { useTestDatabase } from '../support/database.js';

/** A channel that records what the core asked it to do (the bots' e2e tests cover real platforms). */
class RecordingChannel implements ChatChannel {
  readonly platform = 'telegram' as const;
  cards = new Map<string, TicketCard[]>();
  directs: { userId: string; notice: DirectNotice }[] = [];
  failures = 0;
  private nextId = 1;

  postCard(chatId: string, card: TicketCard) {
    const messageId = `${chatId}/${this.nextId++}`;
    this.cards.set(messageId, [card]);
    return Promise.resolve({ messageId });
  }

  updateCard(_chatId: string, messageId: string, card: TicketCard) {
    if (this.failures > 0) {
      this.failures -= 1;
      return Promise.reject(new ChannelError('down', { retryable: true, retryAfterMs: 5 }));
    }
    this.cards.get(messageId)!.push(card);
    return Promise.resolve();
  }

  sendDirect(userId: string, notice: DirectNotice) {
    if (userId === 'blocked') return Promise.reject(new ChannelError('blocked', { retryable: false }));
    this.directs.push({ userId, notice });
    return Promise.resolve();
  }
}

const db = useTestDatabase('notifier');
const channel = new RecordingChannel();
let tickets: TicketService;
let notifier: Notifier;
let requester: Actor;
let agent: Actor;

beforeAll(async () => {
  const { models } = db.current;
  await models.Department.create([
    { key: 'it', name: { en: 'IT', ru: 'ИТ' }, telegramChats: ['-100'] },
    { key: 'hr', name: { en: 'HR', ru: 'Кадры' } },
  ]);
  const req = await models.Person.create({ name: 'Req', email: 'r@x.test', role: 'requester', origin: 'config' });
  const ag = await models.Person.create({ name: 'Agent', email: 'a@x.test', role: 'manager', departments: ['it'], origin: 'config' });
  await models.Identity.create([
    { platform: 'telegram', externalId: '111', personId: req._id },
    { platform: 'telegram', externalId: '222', personId: ag._id },
  ]);
  await models.ChatBinding.create({ platform: 'telegram', chatId: '-200', department: 'hr', boundBy: ag._id });
  requester = actorFromPerson(req.toObject());
  agent = actorFromPerson(ag.toObject());
  const registry = new ChannelRegistry();
  registry.register(channel);
  tickets = createTicketService({ models, clock: () => new Date(), logger: pino({ level: 'silent' }), timezone: 'UTC' });
  notifier = createNotifier({ models, channels: registry, logger: pino({ level: 'silent' }), locale: 'ru', retry: { baseDelayMs: 1 } });
  tickets.subscribe((event, ticket) => void notifier.notify(event, ticket));
});

describe('notifier', () => {
  it('posts one card per bound chat and edits it in place on every change', async () => {
    const { number } = await tickets.open(requester, { description: 'Monitor flickers', department: 'it', source: 'telegram' }, 'telegram');
    await tickets.take(agent, number, 'api');
    await tickets.reply(agent, number, { text: 'Swap the cable' }, 'api');
    await notifier.drain();
    const cards = [...channel.cards.entries()].filter(([, renders]) => renders[0]!.ticket.number === number);
    expect(cards).toHaveLength(1);
    const [messageId, renders] = cards[0]!;
    expect(messageId.startsWith('-100/')).toBe(true);
    expect(renders.map((card) => card.lastEvent.type)).toEqual(['opened', 'taken', 'replied']);
    expect(renders[0]!.departmentName).toBe('ИТ');
    const toRequester = channel.directs.filter((d) => d.notice.ticket.number === number && d.userId === '111');
    expect(toRequester.map((d) => d.notice.event.type)).toEqual(['taken', 'replied']);
  });

  it('keeps the old card true after a transfer and posts in the new department', async () => {
    const { number } = await tickets.open(requester, { description: 'Vacation form', department: 'it', source: 'telegram' }, 'telegram');
    await tickets.transfer(agent, number, { department: 'hr' }, 'api');
    await notifier.drain();
    const cards = [...channel.cards.entries()].filter(([, renders]) => renders[0]!.ticket.number === number);
    expect(cards.map(([id]) => id.split('/')[0]).sort()).toEqual(['-100', '-200']);
    const old = cards.find(([id]) => id.startsWith('-100/'))![1];
    expect(old.at(-1)!.ticket.department).toBe('hr');
  });

  it('retries a platform that is down and sends nothing twice', async () => {
    const { number } = await tickets.open(requester, { description: 'Retry me', department: 'it', source: 'telegram' }, 'telegram');
    await notifier.drain();
    channel.failures = 2;
    const { event, ticket } = await tickets.take(agent, number, 'api');
    await notifier.drain();
    await notifier.notify(event, ticket); // a duplicate delivery of the same event
    const card = [...channel.cards.values()].find((renders) => renders[0]!.ticket.number === number)!;
    expect(card.map((c) => c.lastEvent.type)).toEqual(['opened', 'taken']);
    expect(channel.directs.filter((d) => d.notice.event._id.equals(event._id))).toHaveLength(1);
  });

  it('never tells the requester about internal notes', async () => {
    const { number } = await tickets.open(requester, { description: 'Secret', department: 'it', source: 'telegram' }, 'telegram');
    await tickets.note(agent, number, { text: 'internal' }, 'api');
    await notifier.drain();
    expect(channel.directs.some((d) => d.notice.ticket.number === number && d.notice.event.internal)).toBe(false);
  });
});
