import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invalidateDepartments } from '../../src/db/department-cache.js';
import { actorFromPerson, type Actor } from '../../src/people/actor.js';
import { forgetPeople } from '../../src/people/people-cache.js';
import { Breakers } from '../../src/notify/breaker.js';
import { useTestDatabase } from '../support/database.js';
import { startFlakyLink, type FlakyLink, type LinkState } from '../support/flaky-link.js';
import { startTwoPlatforms, type TwoPlatforms } from '../slack/support/two-platforms.js';
import type { FakeChat } from '../telegram/support/bot-api-fake.js';
import type { FakeSlackChannel } from '../slack/support/web-api-fake.js';

const db = useTestDatabase('outage');
let h: TwoPlatforms;
let link: FlakyLink;
let opsGroup: FakeChat;
let facilities: FakeSlackChannel;
const TICKETS = 12;
const breakers = new Breakers({ failuresToOpen: 3, openMs: 300, maxOpenMs: 2000 });
let ivan: Actor;
let inna: Actor;

beforeAll(async () => {
  h = await startTwoPlatforms(db, {
    // The bot reaches the Bot API fake through a link that can go down.
    telegramApiRoot: async (fakeRoot) => {
      link = await startFlakyLink({ port: Number(new URL(fakeRoot).port) });
      return link.url;
    },
    // Short deadlines and breaker waits, so that a test of minutes takes seconds.
    telegramDeadlines: { callMs: 1500, pollGraceMs: 1500 },
    breakers,
  });
  // Operations work in a Telegram group only; Facilities in a Slack channel only.
  opsGroup = h.tg.createGroup('Operations');
  facilities = h.slackFake.createChannel('facilities', { members: [h.people.inna.slack!.id] });
  await h.models.Department.create([
    { key: 'ops', name: { en: 'Operations' }, categories: [], telegramChats: [String(opsGroup.id)] },
    { key: 'facilities', name: { en: 'Facilities' }, categories: [], slackChannels: [facilities.id] },
  ]);
  invalidateDepartments(h.models);
  // Ivan works for Operations too, Inna for Facilities.
  ivan = actorFromPerson((await h.models.Person.findByIdAndUpdate(h.people.ivan.person._id, { $set: { departments: ['it', 'ops'] } }, { returnDocument: 'after' }).lean())!);
  inna = actorFromPerson((await h.models.Person.findByIdAndUpdate(h.people.inna.person._id, { $set: { departments: ['it', 'facilities'] } }, { returnDocument: 'after' }).lean())!);
  await forgetPeople(h.models);
});

afterAll(async () => {
  await h?.close();
  await link?.close();
});

/** What Tanya's private chat with the bot shows about #number, oldest first. */
const dialogAbout = (number: number) =>
  h.tg
    .botMessages(h.tg.privateChat(h.people.tanya.tg!).id)
    .map((message) => message.text ?? '')
    .filter((text) => text.includes(`#${number} `));

async function outage(state: Exclude<LinkState, 'up'>) {
  const { tanya, sam } = h.people;
  await h.settle();
  await link.set(state);

  // Twelve tickets of the Telegram department, each taken and answered while Telegram is down.
  const numbers: number[] = [];
  for (let i = 1; i <= TICKETS; i += 1) {
    const ticket = await h.tickets.open(tanya.actor, { description: `Printer ${i} (${state})`, department: 'ops', source: 'telegram' }, 'telegram');
    numbers.push(ticket.number);
  }
  for (const number of numbers) {
    await h.tickets.take(ivan, number, 'api');
    await h.tickets.reply(ivan, number, { text: `First answer on #${number}` }, 'api');
    await h.tickets.reply(ivan, number, { text: `Second answer on #${number}` }, 'api');
  }

  // A ticket of the Slack-only department: its card does not wait for Telegram.
  const askedAt = Date.now();
  const slackOnly = await h.tickets.open(sam.actor, { description: `The door does not close (${state})`, department: 'facilities', source: 'slack' }, 'slack');
  await h.waitFor(async () => {
    const record = await h.models.CardMessage.findOne({ ticketNumber: slackOnly.number, platform: 'slack', chatId: facilities.id }).lean();
    return record && h.slackFake.message(facilities.id, record.messageId);
  }, 'the Slack card of the Slack-only department', 5000);
  expect(Date.now() - askedAt).toBeLessThan(5000);
  await h.tickets.take(inna, slackOnly.number, 'api');
  // Telegram's deliveries found it down (its deadline passed, when hanging) and wait behind its breaker.
  await h.waitFor(() => !breakers.of('telegram').closed, 'the Telegram breaker to open', 15_000);
  expect(h.tg.botMessages(opsGroup.id).filter((m) => numbers.some((n) => m.text?.includes(`#${n} `)))).toEqual([]);

  // Telegram comes back: every owed message arrives, once, in order per ticket.
  await link.set('up');
  for (const number of numbers) {
    await h.waitFor(() => dialogAbout(number).some((text) => text.includes('Second answer')), `the answers of #${number} at the requester`, 30_000);
  }
  await h.settle();
  for (const number of numbers) {
    const dialog = dialogAbout(number);
    expect(dialog.filter((text) => text.includes('was taken by Ivan Agent'))).toHaveLength(1);
    expect(dialog.filter((text) => text.includes('First answer'))).toHaveLength(1);
    expect(dialog.filter((text) => text.includes('Second answer'))).toHaveLength(1);
    const taken = dialog.findIndex((text) => text.includes('was taken by'));
    const first = dialog.findIndex((text) => text.includes('First answer'));
    const second = dialog.findIndex((text) => text.includes('Second answer'));
    expect(taken).toBeLessThan(first);
    expect(first).toBeLessThan(second);
    // One card per ticket in the group, showing the ticket as it is now.
    const cards = h.tg.botMessages(opsGroup.id).filter((m) => m.text?.includes(`#${number} `) && (m.reply_markup?.inline_keyboard ?? []).length > 0);
    expect(cards).toHaveLength(1);
    expect(cards[0]!.text).toContain('Assignee: Ivan Agent');
  }
  expect(await h.models.OutboxEntry.countDocuments({})).toBe(0);
}

describe('a chat platform that is down holds up only itself', { timeout: 120_000 }, () => {
  it('Telegram refusing connections: the Slack-only department goes on, then every owed message once, in order', async () => {
    await outage('refusing');
  });

  it('Telegram taking connections and never answering: the same', async () => {
    await outage('hanging');
  });
});
