import { forgetPeople } from '../../src/people/people-cache.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { createTelegramBot } from '../../bots/telegram/index.js';
import { actorFromPerson } from '../../src/people/actor.js';
import { useTestDatabase } from '../support/database.js';
import { startHarness, type Harness } from './support/harness.js';

const db = useTestDatabase('tg_faults');
let h: Harness;

beforeAll(async () => {
  h = await startHarness(db);
});

afterAll(async () => {
  await h?.close();
});

async function open(description: string, department = 'it') {
  return h.tickets.open(h.people.rita.actor, { description, department, source: 'telegram' }, 'telegram');
}

describe("telegram: Telegram's limits and failures never stop the bot", () => {
  it('retries a 429 after retry_after and a 5xx, so the card still arrives and is still edited', async () => {
    const { api, groups } = h;
    api.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } });
    const ticket = await open('Flood control victim');
    await h.cardShowing(groups.it, ticket.number, 'Flood control victim');
    const posts = api.calls('sendMessage').filter((call) => call.payload.chat_id === String(groups.it.id) && String(call.payload.text).includes('Flood control victim'));
    expect(posts).toHaveLength(2);
    expect(posts[1]!.at - posts[0]!.at).toBeGreaterThanOrEqual(950);

    api.failNext('editMessageText', { error_code: 502, description: 'Bad Gateway' }, 2);
    await h.tickets.take(h.people.ivan.actor, ticket.number, 'telegram');
    await h.cardShowing(groups.it, ticket.number, 'Assignee: Ivan Agent');
  });

  it('edits the card after changes made through other channels (the API)', async () => {
    const ticket = await open('Changed from the REST API');
    const card = await h.cardShowing(h.groups.it, ticket.number, 'Changed from the REST API');
    await h.tickets.setPriority(h.people.kira.actor, ticket.number, 'high', 'api');
    await h.tickets.note(h.people.kira.actor, ticket.number, { text: 'Checked via the web' }, 'api');
    const edited = await h.cardShowing(h.groups.it, ticket.number, 'Kira Coordinator added an internal note');
    expect(edited.message_id).toBe(card.message_id);
    expect(edited.text).toContain('high');
  });

  it('keeps going when a requester blocked the bot', async () => {
    const { api, people } = h;
    const blocked = api.createUser({ firstName: 'Boris' });
    const person = await h.models.Person.create({ name: 'Boris Blocked', role: 'requester', origin: 'config' });
    await h.models.Identity.create({ platform: 'telegram', externalId: String(blocked.id), personId: person._id });
    await forgetPeople(h.models);
    const ticket = await h.tickets.open(actorFromPerson(person.toObject()), { description: 'I blocked you', department: 'it', source: 'telegram' }, 'telegram');
    api.blockBot(blocked);
    await h.tickets.take(people.ivan.actor, ticket.number, 'telegram');
    await h.settle();
    const failures = h.log.find('notice not delivered: the platform refused it for good');
    expect(failures.some((line) => line.level === 40 && String((line.err as { message?: string }).message).includes('blocked'))).toBe(true);
    // Still answering others.
    const mark = api.lastMessageId(people.rita.user.id);
    api.sendText(people.rita.user, null, '/my');
    await api.waitForBotMessage(people.rita.user.id, 'Your tickets', { after: mark });
  });

  it('follows a group that became a supergroup, announced or not', async () => {
    const { api, groups, models } = h;
    const before = await open('Card before the upgrade');
    await h.cardShowing(groups.it, before.number, 'Card before the upgrade');
    const superIt = api.migrateGroup(groups.it);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const after = await open('Card after the upgrade');
    await h.cardShowing(superIt, after.number, 'Card after the upgrade');
    await h.tickets.take(h.people.ivan.actor, before.number, 'telegram');
    await h.cardShowing(superIt, before.number, 'Assignee: Ivan Agent');
    expect((await models.Department.findOne({ key: 'it' }).lean())?.telegramChats).toEqual([String(superIt.id)]);

    // HR upgrades without the service message reaching us: the failed send says where it went.
    const superHr = api.migrateGroup(groups.hr, { notify: false });
    const hrTicket = await open('HR card after a silent upgrade', 'hr');
    await h.cardShowing(superHr, hrTicket.number, 'HR card after a silent upgrade');
    expect((await models.Department.findOne({ key: 'hr' }).lean())?.telegramChats).toEqual([String(superHr.id)]);
    await h.tickets.take(h.people.hanna.actor, hrTicket.number, 'telegram');
    await h.cardShowing(superHr, hrTicket.number, 'Assignee: Hanna Hr');
    expect(await models.CardMessage.countDocuments({ ticketNumber: hrTicket.number })).toBe(1);
  });

  it('posts the card again when someone deleted it', async () => {
    const chat = (await h.models.Department.findOne({ key: 'it' }).lean())!.telegramChats[0]!;
    const ticket = await open('Deleted card');
    const groupChat = { id: Number(chat), type: 'supergroup' as const };
    const card = await h.cardShowing(groupChat, ticket.number, 'Deleted card');
    card.deleted = true;
    await h.tickets.take(h.people.inna.actor, ticket.number, 'telegram');
    const reposted = await h.cardShowing(groupChat, ticket.number, 'Assignee: Inna Agent');
    expect(reposted.message_id).not.toBe(card.message_id);
  });

  it('splits a long answer into several messages and shortens long cards visibly', async () => {
    const { api, people } = h;
    const long = Array.from({ length: 120 }, (_, i) => `Step ${i + 1}: ${'check the cable and the port <b> & '.repeat(3)}`).join('\n');
    const ticket = await open(`Long one\n${'details '.repeat(400)}`);
    const chat = (await h.models.Department.findOne({ key: 'it' }).lean())!.telegramChats[0]!;
    const card = await h.cardShowing({ id: Number(chat), type: 'supergroup' }, ticket.number, 'Long one');
    expect(card.text).toContain('…');
    expect(card.text!.length).toBeLessThan(4096);
    const mark = api.lastMessageId(people.rita.user.id);
    await h.tickets.reply(people.ivan.actor, ticket.number, { text: long }, 'telegram');
    await h.settle();
    const parts = api.botMessages(people.rita.user.id).filter((m) => m.message_id > mark);
    expect(parts.length).toBeGreaterThan(2);
    for (const part of parts) expect(part.text!.length).toBeLessThanOrEqual(4096);
    const joined = parts.map((m) => m.text).join('\n');
    expect(joined).toContain('Step 1:');
    expect(joined).toContain('Step 120:');
    expect(parts.at(-1)!.text).toContain(`Reply to this message to add a comment to #${ticket.number}`);
    // Each part answers for the ticket when replied to.
    const done = api.sendText(people.rita.user, null, 'Done all 120 steps', { replyTo: parts[1]!.message_id });
    await api.waitForReaction(people.rita.user.id, done.message_id, '👍');
    expect(await h.models.JournalEvent.findOne({ ticketNumber: ticket.number, text: 'Done all 120 steps' }).lean()).toMatchObject({ type: 'replied' });
  });

  it('survives a failed file download: says so, keeps the dialog, and logs no token', async () => {
    const { api, people } = h;
    const chat = people.rita.user.id;
    const mark = api.lastMessageId(chat);
    api.sendText(people.rita.user, null, '/new');
    await api.pressButton(people.rita.user, await api.waitForBotMessage(chat, 'Which department', { after: mark }), 'HR');
    api.sendText(people.rita.user, null, 'Payslip for October is missing');
    await api.waitForBotMessage(chat, 'Add photos or documents', { after: mark });
    api.failFileDownloads = true;
    try {
      api.sendDocument(people.rita.user, null, { name: 'payslip.pdf', data: Buffer.from('%PDF payslip') });
      await api.waitForBotMessage(chat, 'Something went wrong', { after: mark });
    } finally {
      api.failFileDownloads = false;
    }
    expect(h.log.find('telegram update failed').length).toBeGreaterThan(0);
    expect(h.log.raw.join('')).not.toContain(api.token.split(':')[1]);
    // The dialog is where it was: the file can be sent again.
    api.sendDocument(people.rita.user, null, { name: 'payslip.pdf', data: Buffer.from('%PDF payslip') });
    await api.waitForBotMessage(chat, 'payslip.pdf', { after: mark });
  });

  it('fails to start against an unreachable Bot API without the token in the error or the log', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    const bot = createTelegramBot({
      models: h.models,
      tickets: h.tickets,
      files: h.files,
      i18n: h.i18n,
      logger: h.log.logger,
      org: { locale: 'en', registrationOpen: false },
      telegram: { token: h.api.token, apiRoot: `http://127.0.0.1:${port}`, mode: 'polling' },
      limits: { retryAttempts: 2, retryBaseDelayMs: 10 },
    });
    const failure = await bot.start().then(() => null, (error: unknown) => error as Error);
    expect(failure?.message).toMatch(/telegram bot failed to start/);
    expect(failure?.message).not.toContain(h.api.token.split(':')[1]);
    expect(JSON.stringify(failure)).not.toContain(h.api.token.split(':')[1]);
    await bot.stop();
    expect(h.log.raw.join('')).not.toContain(h.api.token.split(':')[1]);
  });

  it('starts even when a non-essential call (the command menu) fails', async () => {
    const { api } = h;
    api.failNext('setMyCommands', { error_code: 400, description: 'Bad Request: BOT_COMMAND_INVALID' }, 10);
    await h.restart();
    await api.waitFor(() => h.log.find('setting the command menu failed (ignored)').length > 0, 5000, 'menu failure logged');
    const mark = api.lastMessageId(h.people.rita.user.id);
    api.sendText(h.people.rita.user, null, '/my');
    await api.waitForBotMessage(h.people.rita.user.id, 'Your tickets', { after: mark });
  });
});
