import { forgetPeople } from '../../src/people/people-cache.js';
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JournalEvent, JournalEventType } from '../../src/db/models/journal-event.js';
import type { Ticket } from '../../src/db/models/ticket.js';
import { ChannelError, type ChatNotice, type NoticeAudience } from '../../src/notify/channel.js';
import { ticketCardOf } from '../../src/notify/ticket-card.js';
import { systemActor } from '../../src/people/system-actor.js';
import { applyJournalEvent, claimJournalEvent } from '../../src/tickets/journal.js';
import { useTestDatabase } from '../support/database.js';
import { startSlackHarness, type SlackHarness, type SlackMember } from './support/harness.js';
import type { FakeMessage } from './support/web-api-fake.js';

const db = useTestDatabase('slack_alerts');
/** Generous: every step goes through the real outbox, which a busy machine slows down. */
const SETTLE_MS = 45_000;
const TEST_MS = 90_000;
let h: SlackHarness;
const HOSTILE = '<!channel> *Boss* <http://evil.test|click> & co';

beforeAll(async () => {
  h = await startSlackHarness(db);
});

afterAll(async () => {
  await h?.close();
});

const all = (message: FakeMessage | undefined) => `${message?.text ?? ''} ${JSON.stringify(message?.blocks ?? [])}`;
const sectionTexts = (message: FakeMessage | undefined) =>
  (message?.blocks ?? [])
    .flatMap((block) => [block.text?.text, ...((block.fields ?? []) as { text: string }[]).map((f) => f.text), ...((block.elements ?? []) as { text?: string }[]).map((e) => e.text)])
    .filter((text): text is string => typeof text === 'string' && text !== '')
    .join('\n');
/** Slack's date token for a moment, as the app writes it (the reader's own time zone). */
const dateToken = (date: Date) => `<!date^${Math.floor(date.getTime() / 1000)}^{date_short_pretty} {time}|`;

async function open(description: string): Promise<Ticket> {
  const ticket = await h.tickets.open(h.people.rita.actor, { description, department: 'it', source: 'slack' }, 'slack');
  // The outbox posts the card; on a busy machine that can take longer than a poll's patience.
  await h.jobs.settle(SETTLE_MS);
  await h.cardShowing(h.channels.it.id, ticket.number, `#${ticket.number}`);
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

/** Sends a personal notice and returns what appeared in the person's DM with the app. */
async function direct(member: SlackMember, notice: { ticket: Ticket; event: JournalEvent }, audience: NoticeAudience, locale = 'en'): Promise<FakeMessage[]> {
  const before = h.dmThread(member.user).length;
  await h.slack.channel.sendDirect(member.user.id, { ...notice, audience, locale });
  return h.dmThread(member.user).slice(before);
}

async function inChannel(channel: string, notice: ChatNotice): Promise<FakeMessage[]> {
  const before = h.fake.messages(channel).length;
  await h.slack.channel.postChatNotice!(channel, notice);
  return h.fake.messages(channel).slice(before);
}

async function speaks(member: SlackMember, locale: string | null): Promise<void> {
  await h.models.Person.updateOne({ _id: member.person._id }, { $set: { locale } });
  await forgetPeople(h.models);
}

function expectValidBlocks(message: FakeMessage | undefined): void {
  expect(message?.blocks?.length).toBeGreaterThan(0);
  expect(h.fake.validateBlocks(message!.blocks)).toEqual([]);
}

const due = new Date('2026-11-23T09:30:00Z');

describe('slack: SLA alerts, escalations and automatic notices', { timeout: TEST_MS }, () => {
  it('reminds the assignee in the ticket thread of their DM, with the due time in their own time zone', async () => {
    const ticket = await open('Reminder case\nThe laptop will not boot');
    await h.tickets.take(h.people.ivan.actor, ticket.number, 'slack');
    await h.jobs.settle(SETTLE_MS);
    const step = await journal(ticket.number, 'sla_reminder', { target: 'firstResponse', due }, { internal: true });
    const [message, ...rest] = await direct(h.people.ivan, step, 'assignee');
    expect(rest).toHaveLength(0);
    expectValidBlocks(message);
    expect(sectionTexts(message)).toContain(`⏰ #${ticket.number} «Reminder case»: the first response deadline is near, due ${dateToken(due)}`);
    expect(sectionTexts(message)).toContain(`Replies in this thread are internal notes on #${ticket.number}`);

    await speaks(h.people.ivan, 'ru');
    const [ru] = await direct(h.people.ivan, step, 'assignee');
    expect(sectionTexts(ru)).toContain(`⏰ #${ticket.number} «Reminder case»: скоро истекает срок первого ответа, до ${dateToken(due)}`);
    // The second notice of the ticket goes in the same thread of the DM.
    expect(ru!.thread_ts).toBe(message!.thread_ts ?? message!.ts);
    await speaks(h.people.ivan, null);
  });

  it('tells coordinators of a breach by DM and the channel in the card thread, broadcast', async () => {
    const ticket = await open('Breach case\nNobody answers');
    const step = await journal(ticket.number, 'sla_breached', { target: 'firstResponse', due }, { internal: true, set: [{ path: 'sla.firstResponseBreached', value: true }] });
    const [dm] = await direct(h.people.kira, step, 'coordinator');
    expectValidBlocks(dm);
    expect(sectionTexts(dm)).toContain(`⚠️ #${ticket.number} «Breach case» missed its first response deadline (${dateToken(due)}`);
    expect(sectionTexts(dm)).toContain('Assignee: nobody yet.');

    const card = await h.card(h.channels.it.id, ticket.number);
    const [alert, ...more] = await inChannel(h.channels.it.id, { kind: 'ticket_alert', ticket: step.ticket, event: step.event, locale: 'en', cardMessageId: card.ts });
    expect(more).toHaveLength(0);
    expect(alert!.thread_ts).toBe(card.ts);
    expect(alert!.reply_broadcast).toBe(true);
    expectValidBlocks(alert);
    expect(sectionTexts(alert)).toContain(`⚠️ #${ticket.number} «Breach case» missed its first response deadline (${dateToken(due)}`);
    expect(sectionTexts(alert)).toContain('Nobody has taken it yet: take it from its card.');
    expect(alert!.text).toContain(`#${ticket.number}`);

    const [ru] = await inChannel(h.channels.it.id, { kind: 'ticket_alert', ticket: step.ticket, event: step.event, locale: 'ru', cardMessageId: null });
    expect(ru!.thread_ts).toBeUndefined();
    expect(sectionTexts(ru)).toContain(`⚠️ #${ticket.number} «Breach case»: нарушен срок первого ответа (${dateToken(due)}`);
    expect(sectionTexts(ru)).toContain('Заявку ещё никто не взял');

    // The card's footer tells the step.
    await h.slack.channel.updateCard(h.channels.it.id, card.ts, () => ticketCardOf(h.models, step.ticket, 'en'));
    expect(all(await h.card(h.channels.it.id, ticket.number))).toContain('Helpdesk*: the first response deadline was missed');
  });

  it('posts the alert in the channel when the card is gone, and names the assignee when there is one', async () => {
    const ticket = await open('Lost card\nThe card was deleted');
    const step = await journal(ticket.number, 'sla_reminder', { target: 'resolution', due }, { internal: true });
    const [alert, ...more] = await inChannel(h.channels.it.id, { kind: 'ticket_alert', ticket: { ...step.ticket, assigneeName: 'Inna Agent' }, event: step.event, locale: 'en', cardMessageId: '1000000000.000100' });
    expect(more).toHaveLength(0);
    expect(alert!.thread_ts).toBeUndefined();
    expect(sectionTexts(alert)).toContain(`⏰ #${ticket.number} «Lost card»: the resolution deadline is near, due ${dateToken(due)}`);
    expect(sectionTexts(alert)).toContain('Assignee: Inna Agent.');
  });

  it('escalates to the managers with the missed deadline and who has it', async () => {
    const ticket = await open('Escalation case\nDown for hours');
    await h.tickets.take(h.people.ivan.actor, ticket.number, 'slack');
    await h.jobs.settle(SETTLE_MS);
    const step = await journal(ticket.number, 'sla_escalated', { target: 'resolution', due }, { internal: true });
    const [dm] = await direct(h.people.max, step, 'manager');
    expectValidBlocks(dm);
    expect(sectionTexts(dm)).toContain(`📣 Escalation: #${ticket.number} «Escalation case» missed its resolution deadline (${dateToken(due)}`);
    expect(sectionTexts(dm)).toContain(') and is still open. Assignee: Ivan Agent.');
  });

  it('wakes the on-duty person with what the ticket is about and its live card with the buttons', async () => {
    const ticket = await open('Server room is flooding\nWater under the raised floor near rack 4, the UPS is beeping');
    const step = await journal(ticket.number, 'on_duty_alerted', {}, { internal: true });
    const [notice, card, ...rest] = await direct(h.people.ivan, step, 'on_duty');
    expect(rest).toHaveLength(0);
    expectValidBlocks(notice);
    const text = sectionTexts(notice);
    expect(text).toContain(`🚨 Urgent ticket #${ticket.number} «Server room is flooding» arrived outside working hours, and you are on duty.`);
    expect(text).toContain('👤 From: Rita Requester');
    expect(text).toContain('>Water under the raised floor near rack 4');
    expect(text).toContain(`\`/helpdesk ticket ${ticket.number}\` shows it again`);
    // The same live card `/helpdesk ticket` gives, recorded so it follows the ticket.
    expectValidBlocks(card);
    expect(card!.thread_ts).toBeUndefined();
    expect(JSON.stringify(card!.blocks)).toContain('"action_id":"card.take"');
    const dm = h.fake.dmOf(h.people.ivan.user.id);
    const stored = await h.models.CardMessage.findOne({ ticketNumber: ticket.number, platform: 'slack', chatId: dm }).lean();
    expect(stored?.messageId).toBe(card!.ts);
    expect(stored?.viewerId?.toString()).toBe(h.people.ivan.person._id.toString());

    // Take works from there like from the channel's card, and the DM card follows the change.
    await h.sender.blockAction(h.people.ivan.user, { actionId: 'card.take', value: String(ticket.number), channelId: dm, messageTs: card!.ts });
    // The press is acknowledged first and handled after: wait for the take, then for its delivery.
    await h.waitFor(async () => (await h.models.Ticket.findOne({ number: ticket.number }).lean())?.assigneeName === 'Ivan Agent', 'the take', SETTLE_MS);
    await h.jobs.settle(SETTLE_MS);
    await h.cardShowing(dm, ticket.number, 'Ivan Agent');
  });

  it('tells the requester the team is still working on the ticket', async () => {
    const ticket = await open('Slow case\nNeeds a part');
    const step = await journal(ticket.number, 'still_working', {}, { internal: false, set: [{ path: 'lastTeamUpdateAt', value: new Date() }] });
    const [en] = await direct(h.people.rita, step, 'requester');
    expectValidBlocks(en);
    expect(sectionTexts(en)).toContain(`⏳ We are still working on your ticket #${ticket.number} «Slow case».`);
    expect(sectionTexts(en)).toContain(`Reply in this thread to add a comment to #${ticket.number}`);
    await speaks(h.people.rita, 'ru');
    const [ru] = await direct(h.people.rita, step, 'requester', 'ru');
    expect(sectionTexts(ru)).toContain(`⏳ Мы всё ещё работаем над вашей заявкой #${ticket.number} «Slow case».`);
    await speaks(h.people.rita, null);
  });

  it('tells the requester of an automatic close: after how many days, how to go on, and asks for a rating', async () => {
    const ticket = await open('Quiet case\nNo answer since');
    await h.tickets.changeStatus(h.people.ivan.actor, ticket.number, 'resolve', 'slack');
    await h.jobs.settle(SETTLE_MS);
    const step = await journal(ticket.number, 'status_changed', { status: 'closed', auto: true, days: 5 }, {
      internal: false,
      set: [
        { path: 'status', value: 'closed' },
        { path: 'closedAt', value: new Date() },
      ],
    });
    const [notice] = await direct(h.people.rita, step, 'requester');
    expectValidBlocks(notice);
    expect(sectionTexts(notice)).toContain(`🔒 #${ticket.number} «Quiet case» was closed automatically: there was no reply for 5 days.`);
    expect(sectionTexts(notice)).toContain(`Still a problem? Open a new ticket with \`/helpdesk\` and mention #${ticket.number}.`);
    expect(JSON.stringify(notice!.blocks)).toContain('"action_id":"rate.5"');
    await speaks(h.people.rita, 'ru');
    const [ru] = await direct(h.people.rita, step, 'requester', 'ru');
    expect(sectionTexts(ru)).toContain(`🔒 Заявка #${ticket.number} «Quiet case» закрыта автоматически: ответа не было 5 дней.`);
    await speaks(h.people.rita, null);
  });

  it('posts the daily digest: date, counts and the most overdue tickets', async () => {
    const overdue = [
      { number: 501, title: 'Mail is down', priority: 'urgent' as const, assigneeName: 'Ivan Agent' },
      { number: 502, title: 'Printer jam', priority: 'normal' as const, assigneeName: null },
    ];
    const counts = { open: 12, unassigned: 3, overdue: 4, dueToday: 5 };
    const [en, ...rest] = await inChannel(h.channels.it.id, { kind: 'digest', departmentName: 'IT support', date: '2026-11-23', counts, overdue, locale: 'en' });
    expect(rest).toHaveLength(0);
    expectValidBlocks(en);
    expect(en!.thread_ts).toBeUndefined();
    expect(sectionTexts(en)).toBe(
      [
        '*📊 Daily digest of «IT support», Monday, 23 November 2026*',
        'Open: 12\nUnassigned: 3\nOverdue: 4\nDue today: 5',
        '*Most overdue:*\n:red_circle: *#501* Mail is down · urgent · Ivan Agent\n:large_blue_circle: *#502* Printer jam · normal · unassigned',
        '…and 2 more overdue.',
      ].join('\n'),
    );
    expect(en!.text).toContain('Daily digest of «IT support»');
    const [ru] = await inChannel(h.channels.it.id, { kind: 'digest', departmentName: 'ИТ-поддержка', date: '2026-11-23', counts, overdue, locale: 'ru' });
    expectValidBlocks(ru);
    expect(sectionTexts(ru)).toContain('*📊 Сводка за день: «ИТ-поддержка», понедельник, 23 ноября 2026');
    expect(sectionTexts(ru)).toContain('Открыто: 12\nБез исполнителя: 3\nПросрочено: 4\nСрок сегодня: 5');
    expect(sectionTexts(ru)).toContain('Printer jam · обычный · без исполнителя');

    const [calm] = await inChannel(h.channels.it.id, { kind: 'digest', departmentName: 'IT support', date: '2026-11-24', counts: { open: 1, unassigned: 0, overdue: 0, dueToday: 0 }, overdue: [], locale: 'en' });
    expectValidBlocks(calm);
    expect(sectionTexts(calm)).toContain('Nothing is overdue.');
  });

  it('escapes a hostile title (no @channel, no fake link) in every alert', async () => {
    const ticket = await open(`${HOSTILE}\nDetails`);
    const step = await journal(ticket.number, 'sla_breached', { target: 'resolution', due }, { internal: true });
    const escaped = '&lt;!channel&gt; *Boss* &lt;http://evil.test|click&gt; &amp; co';
    const [alert] = await inChannel(h.channels.it.id, { kind: 'ticket_alert', ticket: step.ticket, event: step.event, locale: 'en', cardMessageId: null });
    const [dm] = await direct(h.people.kira, step, 'coordinator');
    const [digest] = await inChannel(h.channels.it.id, {
      kind: 'digest',
      departmentName: '<!here> IT',
      date: '2026-11-23',
      counts: { open: 1, unassigned: 1, overdue: 1, dueToday: 0 },
      overdue: [{ number: ticket.number, title: HOSTILE, priority: 'high', assigneeName: '<@U1> Eve' }],
      locale: 'en',
    });
    for (const message of [alert, dm, digest]) {
      expectValidBlocks(message);
      expect(all(message)).not.toContain('<!channel>');
      expect(all(message)).not.toContain('<!here>');
      expect(all(message)).not.toContain('<http://evil.test');
      expect(all(message)).not.toContain('<@U1>');
    }
    expect(sectionTexts(alert)).toContain(`«${escaped}»`);
    expect(sectionTexts(dm)).toContain(`«${escaped}»`);
    expect(sectionTexts(digest)).toContain('&lt;!here&gt; IT');
    expect(sectionTexts(digest)).toContain(`${escaped} · high · &lt;@U1&gt; Eve`);
  });
});

describe("slack: alerts within Slack's limits and failures", { timeout: TEST_MS }, () => {
  const digest = (date: string): ChatNotice => ({ kind: 'digest', departmentName: 'IT support', date, counts: { open: 0, unassigned: 0, overdue: 0, dueToday: 0 }, overdue: [], locale: 'en' });

  it('waits out a 429 as Retry-After says and posts once, through the paced Web API', async () => {
    h.fake.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    const before = h.fake.callsOf('chat.postMessage').length;
    const started = Date.now();
    const sent = await inChannel(h.channels.it.id, digest('2026-11-25'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(h.fake.callsOf('chat.postMessage').length - before).toBe(2);
    expect(sent).toHaveLength(1);
    expect(sectionTexts(sent[0])).toContain('25 November 2026');
  });

  it('surfaces rate limiting that outlasts the retries as a retryable ChannelError', async () => {
    h.fake.failNext('chat.postMessage', { error: 'ratelimited' });
    const error = await h.slack.channel.postChatNotice!(h.channels.it.id, digest('2026-11-26')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ChannelError);
    expect((error as ChannelError).retryable).toBe(true);
    expect((error as ChannelError).retryAfterMs).toBeGreaterThan(0);
  });

  it('surfaces a channel the app was removed from as a ChannelError not worth retrying, and tells the admins', async () => {
    h.fake.removeBotFrom(h.channels.hr.id);
    const error = await h.slack.channel.postChatNotice!(h.channels.hr.id, digest('2026-11-27')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ChannelError);
    expect((error as ChannelError).retryable).toBe(false);
    expect((error as ChannelError).message).toContain('not_in_channel');
    await h.waitFor(() => h.dmThread(h.people.ada.user).find((m) => m.text.includes('not_in_channel') && m.text.includes('daily digest')), 'admin alert');
  });
});
