import { forgetPeople } from '../../src/people/people-cache.js';
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultLimits } from '../../bots/telegram/deps.js';
import type { JournalEvent, JournalEventType } from '../../src/db/models/journal-event.js';
import type { Ticket } from '../../src/db/models/ticket.js';
import { formatTime } from '../../src/i18n/format-time.js';
import { ChannelError, type ChatNotice, type DirectNotice, type NoticeAudience } from '../../src/notify/channel.js';
import { ticketCardOf } from '../../src/notify/ticket-card.js';
import { systemActor } from '../../src/people/system-actor.js';
import { applyJournalEvent, claimJournalEvent } from '../../src/tickets/journal.js';
import { useTestDatabase } from '../support/database.js';
import type { ChatMessage, FakeChat, FakeUser } from './support/bot-api-fake.js';
import { startHarness, type Harness } from './support/harness.js';

const db = useTestDatabase('tg_alerts');
/** Generous: every step goes through the real outbox, which a busy machine slows down. */
const SETTLE_MS = 45_000;
const TEST_MS = 90_000;
let h: Harness;
const ZONE = 'Europe/Moscow';
const HOSTILE = '<b>Boss</b> & <script>alert(1)</script> printer';

beforeAll(async () => {
  h = await startHarness(db);
});

afterAll(async () => {
  await h?.close();
});

async function open(description: string): Promise<Ticket> {
  const ticket = await h.tickets.open(h.people.rita.actor, { description, department: 'it', source: 'telegram' }, 'telegram');
  // The outbox posts the card; on a busy machine that can take longer than a poll's patience.
  await h.jobs.settle(SETTLE_MS);
  await h.cardShowing(h.groups.it, ticket.number, description.split('\n')[0]!.slice(0, 20));
  return ticket;
}

/** Journals an automatic step the way the core does (system actor, claimed seq, applied change). */
async function journal(
  number: number,
  type: JournalEventType,
  after: Record<string, unknown>,
  options: { internal: boolean; set?: { path: string; value: unknown }[] },
): Promise<{ ticket: Ticket; event: JournalEvent }> {
  const current = (await h.models.Ticket.findOne({ number }).lean<Ticket>())!;
  const system = await systemActor(h.models);
  const written: JournalEvent = {
    _id: new Types.ObjectId(),
    ticketId: current._id,
    ticketNumber: number,
    seq: current.version + 1,
    type,
    actorId: system.id,
    actorName: system.name,
    at: new Date(),
    before: {},
    after,
    text: null,
    internal: options.internal,
    attachments: [],
    via: 'system',
    origin: null,
    change: { set: options.set ?? [], addPublicKeywords: [], addStaffKeywords: [] },
  };
  expect(await claimJournalEvent(h.models, written)).toBe(true);
  expect(await applyJournalEvent(h.models, written)).toBe(true);
  const ticket = (await h.models.Ticket.findOne({ number }).lean<Ticket>())!;
  const event = (await h.models.JournalEvent.findById(written._id).lean<JournalEvent>())!;
  return { ticket, event };
}

async function direct(user: FakeUser, notice: { ticket: Ticket; event: JournalEvent }, audience: NoticeAudience, locale = 'en'): Promise<ChatMessage[]> {
  const mark = h.api.lastMessageId(user.id);
  const full: DirectNotice = { ...notice, audience, locale };
  await h.telegram.channel.sendDirect(String(user.id), full);
  return h.api.botMessages(user.id).filter((message) => message.message_id > mark);
}

async function inGroup(chat: FakeChat, notice: ChatNotice): Promise<ChatMessage[]> {
  const mark = h.api.lastMessageId(chat.id);
  await h.telegram.channel.postChatNotice!(String(chat.id), notice);
  return h.api.botMessages(chat.id).filter((message) => message.message_id > mark);
}

async function speaks(person: keyof Harness['people'], locale: string | null): Promise<void> {
  await h.models.Person.updateOne({ _id: h.people[person].person._id }, { $set: { locale } });
  await forgetPeople(h.models);
}

const due = new Date('2026-11-23T09:30:00Z');
const when = (date: Date, locale = 'en') => formatTime(date, locale, ZONE);

describe('telegram: SLA alerts, escalations and automatic notices', { timeout: TEST_MS }, () => {
  it('reminds the assignee by DM before the first response is due, in their language', async () => {
    const ticket = await open('Reminder case\nThe laptop will not boot');
    await h.tickets.take(h.people.ivan.actor, ticket.number, 'telegram');
    await h.jobs.settle(SETTLE_MS);
    const step = await journal(ticket.number, 'sla_reminder', { target: 'firstResponse', due }, { internal: true });
    const [message, ...rest] = await direct(h.people.ivan.user, step, 'assignee');
    expect(rest).toHaveLength(0);
    expect(message!.text).toContain(`⏰ #${ticket.number} «Reminder case»: the first response deadline is near, due ${when(due)}.`);
    expect(message!.text).toContain(`Reply to this message to add an internal note to #${ticket.number}`);

    await speaks('ivan', 'ru');
    const [ru] = await direct(h.people.ivan.user, step, 'assignee');
    expect(ru!.text).toContain(`⏰ #${ticket.number} «Reminder case»: скоро истекает срок первого ответа, до ${when(due, 'ru')}.`);
    await speaks('ivan', null);
  });

  it('tells coordinators of a breach by DM and the group in reply to the card, and marks the card overdue', async () => {
    const ticket = await open('Breach case\nNobody answers');
    const { ticket: breached, event } = await journal(ticket.number, 'sla_breached', { target: 'firstResponse', due }, {
      internal: true,
      set: [{ path: 'sla.firstResponseBreached', value: true }],
    });
    const [dm] = await direct(h.people.kira.user, { ticket: breached, event }, 'coordinator');
    expect(dm!.text).toContain(`⚠️ #${ticket.number} «Breach case» missed its first response deadline (${when(due)}). Assignee: nobody yet.`);

    const card = await h.card(h.groups.it, ticket.number);
    const [alert, ...more] = await inGroup(h.groups.it, { kind: 'ticket_alert', ticket: breached, event, locale: 'en', cardMessageId: String(card.message_id) });
    expect(more).toHaveLength(0);
    expect(alert!.reply_to_message_id).toBe(card.message_id);
    expect(alert!.text).toBe(`⚠️ #${ticket.number} «Breach case» missed its first response deadline (${when(due)}).\nNobody has taken it yet: take it from its card.`);
    const sent = h.api.calls('sendMessage').at(-1)!.payload;
    expect(sent.reply_parameters).toEqual({ message_id: card.message_id, allow_sending_without_reply: true });

    // The card itself says so: the event in its footer, and "overdue" at the top.
    await h.telegram.channel.updateCard(String(h.groups.it.id), String(card.message_id), () => ticketCardOf(h.models, breached, 'en'));
    const edited = await h.card(h.groups.it, ticket.number);
    expect(edited.text!.split('\n')[0]).toContain('⚠️ overdue');
    expect(edited.text).toContain('Helpdesk: the first response deadline was missed');

    const [ru] = await inGroup(h.groups.it, { kind: 'ticket_alert', ticket: breached, event, locale: 'ru', cardMessageId: null });
    expect(ru!.reply_to_message_id).toBeUndefined();
    expect(ru!.text).toBe(`⚠️ #${ticket.number} «Breach case»: нарушен срок первого ответа (${when(due, 'ru')}).\nЗаявку ещё никто не взял: возьмите её в карточке.`);
  });

  it('alerts the group about an unassigned ticket near its deadline, naming the assignee once there is one', async () => {
    const ticket = await open('Unassigned reminder\nStill waiting');
    const step = await journal(ticket.number, 'sla_reminder', { target: 'resolution', due }, { internal: true });
    const [alert] = await inGroup(h.groups.it, { kind: 'ticket_alert', ticket: step.ticket, event: step.event, locale: 'en', cardMessageId: null });
    expect(alert!.text).toContain(`⏰ #${ticket.number} «Unassigned reminder»: the resolution deadline is near, due ${when(due)}.`);
    const [named] = await inGroup(h.groups.it, { kind: 'ticket_alert', ticket: { ...step.ticket, assigneeName: 'Inna Agent' }, event: step.event, locale: 'en', cardMessageId: null });
    expect(named!.text).toContain('Assignee: Inna Agent.');
  });

  it('escalates to the managers with the missed deadline and who has it', async () => {
    const ticket = await open('Escalation case\nDown for hours');
    await h.tickets.take(h.people.inna.actor, ticket.number, 'telegram');
    await h.jobs.settle(SETTLE_MS);
    const step = await journal(ticket.number, 'sla_escalated', { target: 'resolution', due }, { internal: true });
    const [dm] = await direct(h.people.max.user, step, 'manager');
    expect(dm!.text).toContain(`📣 Escalation: #${ticket.number} «Escalation case» missed its resolution deadline (${when(due)}) and is still open. Assignee: Inna Agent.`);
    const [ru] = await direct(h.people.max.user, step, 'manager', 'ru');
    expect(ru!.text).toContain(`📣 Эскалация: #${ticket.number} «Escalation case»: нарушен срок решения (${when(due, 'ru')}), заявка всё ещё открыта. Исполнитель: Inna Agent.`);
  });

  it('wakes the on-duty person with what the ticket is about and its live card with the buttons', async () => {
    const ticket = await open('Server room is flooding\nWater under the raised floor near rack 4, the UPS is beeping');
    const step = await journal(ticket.number, 'on_duty_alerted', {}, { internal: true });
    const [notice, card, ...rest] = await direct(h.people.inna.user, step, 'on_duty');
    expect(rest).toHaveLength(0);
    expect(notice!.text).toContain(`🚨 Urgent ticket #${ticket.number} «Server room is flooding» arrived outside working hours, and you are on duty.`);
    expect(notice!.text).toContain('👤 From: Rita Requester');
    expect(notice!.text).toContain('Water under the raised floor near rack 4');
    expect(notice!.html).toContain('<blockquote>Water under the raised floor');
    expect(notice!.text).toContain(`/ticket ${ticket.number} shows it again`);
    // The same card (and buttons) /ticket gives in a private chat, recorded so it follows the ticket.
    expect(card!.text).toContain('Server room is flooding');
    const buttons = ((card!.reply_markup?.inline_keyboard ?? []) as { text: string }[][]).flat().map((b) => b.text);
    expect(buttons).toEqual(expect.arrayContaining(['✋ Take', '💬 Reply', '🔒 Note']));
    const stored = await h.models.CardMessage.findOne({ ticketNumber: ticket.number, platform: 'telegram', chatId: String(h.people.inna.user.id) }).lean();
    expect(stored?.messageId).toBe(String(card!.message_id));
    expect(stored?.viewerId?.toString()).toBe(h.people.inna.person._id.toString());

    // Pressing Take there works like on the group card, and the DM card follows the change.
    await h.api.pressButton(h.people.inna.user, card!, 'Take');
    await h.jobs.settle(SETTLE_MS);
    await h.cardShowing({ id: h.people.inna.user.id, type: 'private' }, ticket.number, 'Assignee: Inna Agent');
    expect((await h.models.Ticket.findOne({ number: ticket.number }).lean())?.assigneeName).toBe('Inna Agent');
  });

  it('tells the requester the team is still working on the ticket', async () => {
    const ticket = await open('Slow case\nNeeds a part');
    const step = await journal(ticket.number, 'still_working', {}, { internal: false, set: [{ path: 'lastTeamUpdateAt', value: new Date() }] });
    const [en] = await direct(h.people.rita.user, step, 'requester');
    expect(en!.text).toContain(`⏳ We are still working on your ticket #${ticket.number} «Slow case».`);
    expect(en!.text).toContain(`Reply to this message to add a comment to #${ticket.number}`);
    const [ru] = await direct(h.people.rita.user, step, 'requester', 'ru');
    expect(ru!.text).toContain(`⏳ Мы всё ещё работаем над вашей заявкой #${ticket.number} «Slow case».`);
  });

  it('tells the requester of an automatic close: after how many days, how to go on, and asks for a rating', async () => {
    const ticket = await open('Quiet case\nNo answer since');
    await h.tickets.changeStatus(h.people.ivan.actor, ticket.number, 'resolve', 'telegram');
    await h.jobs.settle(SETTLE_MS);
    const closedAt = new Date();
    const step = await journal(ticket.number, 'status_changed', { status: 'closed', auto: true, days: 5 }, {
      internal: false,
      set: [
        { path: 'status', value: 'closed' },
        { path: 'closedAt', value: closedAt },
      ],
    });
    const [notice, ...rest] = await direct(h.people.rita.user, step, 'requester');
    expect(rest).toHaveLength(0);
    expect(notice!.text).toContain(`🔒 #${ticket.number} «Quiet case» was closed automatically: there was no reply for 5 days.`);
    expect(notice!.text).toContain(`Still a problem? Send /new to open a new ticket and mention #${ticket.number}.`);
    expect(JSON.stringify(notice!.reply_markup)).toContain('⭐');
    const [ru] = await direct(h.people.rita.user, step, 'requester', 'ru');
    expect(ru!.text).toContain(`🔒 Заявка #${ticket.number} «Quiet case» закрыта автоматически: ответа не было 5 дней.`);

    await h.telegram.channel.updateCard(String(h.groups.it.id), String((await h.card(h.groups.it, ticket.number)).message_id), () => ticketCardOf(h.models, step.ticket, 'en'));
    expect((await h.card(h.groups.it, ticket.number)).text).toContain('Helpdesk closed the ticket automatically after 5 days without a reply');
  });

  it('posts the daily digest: date, counts and the most overdue tickets', async () => {
    const overdue = [
      { number: 501, title: 'Mail is down', priority: 'urgent' as const, assigneeName: 'Ivan Agent' },
      { number: 502, title: 'Printer jam', priority: 'normal' as const, assigneeName: null },
    ];
    const counts = { open: 12, unassigned: 3, overdue: 4, dueToday: 5 };
    const [en, ...rest] = await inGroup(h.groups.it, { kind: 'digest', departmentName: 'IT support', date: '2026-11-23', counts, overdue, locale: 'en' });
    expect(rest).toHaveLength(0);
    expect(en!.text).toBe(
      [
        '📊 Daily digest of «IT support», Monday, 23 November 2026',
        'Open: 12 · Unassigned: 3 · Overdue: 4 · Due today: 5',
        'Most overdue:',
        '🔴 #501 Mail is down · urgent · Ivan Agent',
        '🔵 #502 Printer jam · normal · unassigned',
        '…and 2 more overdue.',
      ].join('\n'),
    );
    const [ru] = await inGroup(h.groups.it, { kind: 'digest', departmentName: 'ИТ-поддержка', date: '2026-11-23', counts, overdue, locale: 'ru' });
    expect(ru!.text).toContain('📊 Сводка за день: «ИТ-поддержка», понедельник, 23 ноября 2026');
    expect(ru!.text).toContain('Открыто: 12 · Без исполнителя: 3 · Просрочено: 4 · Срок сегодня: 5');
    expect(ru!.text).toContain('🔵 #502 Printer jam · обычный · без исполнителя');

    const [calm] = await inGroup(h.groups.it, {
      kind: 'digest',
      departmentName: 'IT support',
      date: '2026-11-24',
      counts: { open: 1, unassigned: 0, overdue: 0, dueToday: 0 },
      overdue: [],
      locale: 'en',
    });
    expect(calm!.text).toContain('Nothing is overdue.');
  });

  it('escapes a hostile title in every alert', async () => {
    const ticket = await open(`${HOSTILE}\nDetails`);
    const step = await journal(ticket.number, 'sla_breached', { target: 'resolution', due }, { internal: true });
    const [alert] = await inGroup(h.groups.it, { kind: 'ticket_alert', ticket: step.ticket, event: step.event, locale: 'en', cardMessageId: null });
    expect(alert!.text).toContain(`«${HOSTILE}»`);
    expect(alert!.html).toContain('&lt;b&gt;Boss&lt;/b&gt; &amp; &lt;script&gt;');
    const [dm] = await direct(h.people.kira.user, step, 'coordinator');
    expect(dm!.text).toContain(`«${HOSTILE}»`);
    const [digest] = await inGroup(h.groups.it, {
      kind: 'digest',
      departmentName: '<i>IT</i>',
      date: '2026-11-23',
      counts: { open: 1, unassigned: 1, overdue: 1, dueToday: 0 },
      overdue: [{ number: ticket.number, title: HOSTILE, priority: 'high', assigneeName: '<u>Eve</u>' }],
      locale: 'en',
    });
    expect(digest!.text).toContain(`«<i>IT</i>»`);
    expect(digest!.text).toContain(`#${ticket.number} ${HOSTILE} · high · <u>Eve</u>`);
  });
});

describe("telegram: alerts within Telegram's limits and failures", { timeout: TEST_MS }, () => {
  const digest = (date: string): ChatNotice => ({
    kind: 'digest',
    departmentName: 'IT support',
    date,
    counts: { open: 0, unassigned: 0, overdue: 0, dueToday: 0 },
    overdue: [],
    locale: 'en',
  });

  it('waits out a 429 as retry_after says and posts once', async () => {
    h.api.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } });
    const before = h.api.calls('sendMessage').length;
    const started = Date.now();
    const sent = await inGroup(h.groups.it, digest('2026-11-25'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(h.api.calls('sendMessage').length - before).toBe(2);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.text).toContain('25 November 2026');
  });

  it('surfaces flood control that outlasts the retries as a retryable ChannelError', async () => {
    h.api.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 0', parameters: { retry_after: 0 } }, defaultLimits.retryAttempts);
    const error = await h.telegram.channel.postChatNotice!(String(h.groups.it.id), digest('2026-11-26')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ChannelError);
    expect((error as ChannelError).retryable).toBe(true);
    expect((error as ChannelError).message).toContain('429');
  });

  it('surfaces a group that removed the bot, or a chat that is gone, as a ChannelError not worth retrying', async () => {
    h.api.failNext('sendMessage', { error_code: 403, description: 'Forbidden: bot was kicked from the supergroup chat' });
    const kicked = await h.telegram.channel.postChatNotice!(String(h.groups.hr.id), digest('2026-11-27')).catch((caught: unknown) => caught);
    expect(kicked).toBeInstanceOf(ChannelError);
    expect((kicked as ChannelError).retryable).toBe(false);
    expect((kicked as ChannelError).message).toContain('kicked');
    const gone = await h.telegram.channel.postChatNotice!('-100999', digest('2026-11-27')).catch((caught: unknown) => caught);
    expect((gone as ChannelError).retryable).toBe(false);
  });

  it('follows a group that became a supergroup and posts the alert there', async () => {
    const superHr = h.api.migrateGroup(h.groups.hr, { notify: false });
    await h.telegram.channel.postChatNotice!(String(h.groups.hr.id), digest('2026-11-28'));
    const sent = h.api.botMessages(superHr.id);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.text).toContain('28 November 2026');
    expect((await h.models.Department.findOne({ key: 'hr' }).lean())?.telegramChats).toEqual([String(superHr.id)]);
  });
});
