import { createServer, type Server } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { Types } from 'mongoose';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { JournalEvent } from '../../src/db/models/journal-event.js';
import type { Ticket } from '../../src/db/models/ticket.js';
import { defaultLocalesDir } from '../../src/i18n/locales-dir.js';
import { loadI18n } from '../../src/i18n/translate.js';
import { ChannelError } from '../../src/notify/channel.js';
import { rootMessageId, senderDomain } from '../../src/notify/email/email-threading.js';
import { createMailer, type Mailer } from '../../src/notify/email/mailer.js';
import type { OutgoingEmail } from '../../src/notify/email/outgoing-email.js';
import { createRatingLinks } from '../../src/notify/email/rating-links.js';
import { renderTicketEmail, type TicketEmailInput } from '../../src/notify/email/render-ticket-email.js';
import { createTicketService, type TicketService } from '../../src/tickets/ticket-service.js';
import { useTestDatabase } from '../support/database.js';
import { seedOrg, type Org } from '../support/fixtures.js';
import { freePort } from '../support/free-port.js';
import { startSmtpCapture, type SmtpCapture } from '../support/smtp-capture.js';

const db = useTestDatabase('email');
const i18n = loadI18n(defaultLocalesDir(), 'en');
const FROM = 'Helpdesk <help@desk.example.com>';
const logLines: string[] = [];
const logger = pino({ level: 'debug' }, { write: (line: string) => void logLines.push(line) });
let org: Org;
let tickets: TicketService;
let smtp: SmtpCapture;
const mailers: Mailer[] = [];

function mailer(url = smtp.url, timeouts?: { connectMs?: number; greetingMs?: number; socketMs?: number }): Mailer {
  const created = createMailer({ url, from: FROM, ...(timeouts ? { timeouts } : {}) }, logger);
  mailers.push(created);
  return created;
}

async function journal(ticket: Ticket): Promise<JournalEvent[]> {
  return db.current.models.JournalEvent.find({ ticketId: ticket._id }).sort({ seq: 1 }).lean<JournalEvent[]>();
}

async function current(ticket: Ticket): Promise<Ticket> {
  return (await db.current.models.Ticket.findById(ticket._id).lean<Ticket>())!;
}

function input(ticket: Ticket, event: JournalEvent, extra: Partial<TicketEmailInput> = {}): TicketEmailInput {
  return { ticket, event, audience: 'requester', locale: 'en', translate: i18n.translate, departmentName: 'IT support', fromAddress: FROM, ...extra };
}

function render(ticket: Ticket, event: JournalEvent, extra: Partial<TicketEmailInput> = {}): OutgoingEmail {
  const mail = renderTicketEmail(input(ticket, event, extra));
  if (!mail) throw new Error(`no mail for ${event.type} to ${extra.audience ?? 'requester'}`);
  return mail;
}

/** A journal event the SLA job or the on-duty alert would write (those jobs are not part of this suite). */
function systemEvent(ticket: Ticket, type: JournalEvent['type'], after: Record<string, unknown>): JournalEvent {
  return {
    _id: new Types.ObjectId(), ticketId: ticket._id, ticketNumber: ticket.number, seq: ticket.version + 1, type,
    actorId: new Types.ObjectId(), actorName: 'Helpdesk', at: new Date(), before: {}, after, text: null, internal: true,
    attachments: [], via: 'system', change: { set: [], addPublicKeywords: [], addStaffKeywords: [] },
  };
}

const asList = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

beforeAll(async () => {
  org = await seedOrg(db.current.models);
  tickets = createTicketService({ models: db.current.models, clock: () => new Date(), logger: pino({ level: 'silent' }), timezone: 'Europe/Moscow' });
  smtp = await startSmtpCapture();
});

afterEach(() => {
  smtp.refuseWith(null);
  while (mailers.length) mailers.pop()!.close();
});

afterAll(async () => {
  await smtp.close();
});

describe('e-mail about a ticket, through a real SMTP server', () => {
  it('threads the opening mail and a reply into one conversation with the same subject', async () => {
    const opened = await tickets.open(org.requester.actor, { title: 'Printer on floor 3 is jammed', description: 'Paper stuck in tray 2', department: 'it', source: 'telegram' }, 'telegram');
    const replied = await tickets.reply(org.itAgent.actor, opened.number, { text: 'Coming over with a new roller.' }, 'api');
    const [openedEvent] = await journal(opened);
    const sender = mailer();
    const before = smtp.messages.length;
    await sender.send({ ...render(opened, openedEvent!), to: org.requester.email });
    await sender.send({ ...render(replied.ticket, replied.event), to: org.requester.email });
    const raw = (await smtp.waitFor(before + 2)).slice(before);
    const [first, second] = (await Promise.all(raw.map((mail) => simpleParser(mail.raw)))) as [ParsedMail, ParsedMail];

    const root = `<ticket-${opened.number}.${opened._id.toHexString()}@desk.example.com>`;
    expect(root).toBe(rootMessageId(opened, FROM));
    expect(first.subject).toBe(`[#${opened.number}] Printer on floor 3 is jammed`);
    expect(second.subject).toBe(first.subject);
    expect(first.messageId).toBe(root);
    expect(first.inReplyTo).toBeUndefined();
    expect(second.messageId).not.toBe(root);
    expect(second.messageId).toMatch(/@desk\.example\.com>$/);
    expect(second.inReplyTo).toBe(root);
    expect(asList(second.references)).toEqual([root]);
    for (const mail of [first, second]) {
      expect(mail.headers.get('auto-submitted')).toBe('auto-generated');
      expect(mail.headers.get('x-auto-response-suppress')).toBe('All');
      expect(mail.text).toBeTruthy();
      expect(mail.html).toContain('<!doctype html>');
    }
    expect(second.text).toContain('Ivan Agent answered on your ticket');
    expect(second.text).toContain('> Coming over with a new roller.');
    expect(second.html).toContain('Coming over with a new roller.');
    expect(second.text).toContain('in Telegram');
    expect(raw[0]!.to).toEqual([org.requester.email]);
    expect(raw[0]!.from).toBe('help@desk.example.com');
    // The mailer logged in with the URL's credentials.
    expect(raw[0]!.user).toBe(smtp.user);
  });

  it('renders in Russian, with the rating links of a resolved ticket', async () => {
    const opened = await tickets.open(org.requester.actor, { title: 'Не печатает принтер', description: 'Совсем', department: 'it', source: 'api' }, 'api');
    await tickets.take(org.itAgent.actor, opened.number, 'api');
    const resolved = await tickets.changeStatus(org.itAgent.actor, opened.number, 'resolve', 'api');
    const ratingLinks = await createRatingLinks(db.current.models).linksFor(resolved.ticket, 'https://help.example.com/desk');
    const sender = mailer();
    const before = smtp.messages.length;
    await sender.send({ ...render(resolved.ticket, resolved.event, { locale: 'ru', departmentName: 'ИТ-поддержка', ratingLinks }), to: 'rita@example.test' });
    const [captured] = (await smtp.waitFor(before + 1)).slice(before);
    const mail = await simpleParser(captured!.raw);

    expect(mail.subject).toBe(`[#${opened.number}] Не печатает принтер`);
    expect(mail.text).toContain(`Ваша заявка #${opened.number} «${opened.title}» решена. Исполнитель: Ivan Agent.`);
    expect(mail.text).toContain('Оцените заявку от 1 до 5');
    expect(mail.html).toContain('<html lang="ru">');
    expect(mail.inReplyTo).toBe(rootMessageId(opened, FROM));
    const hrefs = [...(mail.html as string).matchAll(/href="([^"]+)"/g)].map((match) => match[1]);
    expect(hrefs).toEqual(ratingLinks.map((link) => link.url));
    expect(hrefs[0]).toMatch(/^https:\/\/help\.example\.com\/desk\/rate\/[0-9a-f]{24}\.[\w-]{43}\?score=1$/);
    for (const link of ratingLinks) expect(mail.text).toContain(`${link.score}: ${link.url}`);
  });

  it('escapes user text in the HTML part', async () => {
    const title = '<script>alert(1)</script> & "quotes"';
    const opened = await tickets.open(org.requester.actor, { title, description: '<img src=x onerror=alert(2)>', department: 'it', source: 'api' }, 'api');
    const [event] = await journal(opened);
    const sender = mailer();
    const before = smtp.messages.length;
    await sender.send({ ...render(opened, event!, { audience: 'department' }), to: 'it@example.test' });
    const [captured] = (await smtp.waitFor(before + 1)).slice(before);
    const mail = await simpleParser(captured!.raw);

    expect(mail.subject).toBe(`[#${opened.number}] ${title}`);
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).not.toContain('<img');
    expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;');
    expect(mail.html).toContain('&lt;img src=x onerror=alert(2)&gt;');
    // The text part is plain text: shown as written.
    expect(mail.text).toContain(title);
  });
});

describe('which events are mailed to whom', () => {
  let ticket: Ticket;
  let events: JournalEvent[];

  beforeAll(async () => {
    const opened = await tickets.open(org.itAgent.actor, { title: 'VPN drops', description: 'Every hour', department: 'it', source: 'slack', requesterId: org.requester.actor.id, priority: 'urgent' }, 'slack');
    await tickets.take(org.itAgent.actor, opened.number, 'api');
    await tickets.note(org.itAgent.actor, opened.number, { text: 'Looks like the old client' }, 'api');
    await tickets.comment(org.requester.actor, opened.number, { text: 'Still dropping' }, 'api');
    await tickets.changeStatus(org.itAgent.actor, opened.number, 'wait', 'api');
    await tickets.changeStatus(org.itAgent.actor, opened.number, 'resume', 'api');
    await tickets.changeStatus(org.itAgent.actor, opened.number, 'close', 'api');
    ticket = await current(opened);
    events = await journal(opened);
  });

  const find = (type: string, test: (event: JournalEvent) => boolean = () => true) => events.find((event) => event.type === type && test(event))!;

  it('tells the requester of a ticket opened for them, waiting and closing, and nothing internal', () => {
    expect(render(ticket, find('opened')).text).toContain('Ivan Agent opened ticket');
    expect(render(ticket, find('status_changed', (e) => e.after.status === 'waiting')).text).toContain('is waiting for your answer');
    const closed = render(ticket, find('status_changed', (e) => e.after.status === 'closed'));
    expect(closed.text).toContain('is closed');
    // Closed without a rating and without PUBLIC_URL: how to rate in chat.
    expect(closed.text).toContain('with the buttons of the helpdesk');
    expect(renderTicketEmail(input(ticket, find('noted')))).toBeNull();
    expect(renderTicketEmail(input(ticket, find('taken')))).toBeNull();
    // The requester's own comment is not mailed back.
    expect(renderTicketEmail(input(ticket, find('replied')))).toBeNull();
    expect(renderTicketEmail(input(ticket, find('status_changed', (e) => e.after.status === 'in_progress')))).toBeNull();
    expect(renderTicketEmail(input(ticket, systemEvent(ticket, 'sla_breached', { target: 'resolution' })))).toBeNull();
  });

  it('says so when a ticket was closed automatically, and that the team is still working', () => {
    const auto = systemEvent(ticket, 'status_changed', { status: 'closed', auto: true, days: 7 });
    expect(render(ticket, { ...auto, internal: false }).text).toContain('was closed automatically: there was no reply for 7 days');
    expect(render(ticket, { ...auto, internal: false }, { locale: 'ru' }).text).toContain('закрыта автоматически: ответа не было 7 дней.');
    expect(render(ticket, { ...systemEvent(ticket, 'still_working', {}), internal: false }).text).toContain('We are still working on your ticket');
  });

  it('sends the department mailbox only new tickets, with the requester and the priority', () => {
    const mail = render(ticket, find('opened'), { audience: 'department' });
    expect(mail.text).toContain(`New ticket #${ticket.number} «VPN drops» in IT support from Rita Requester`);
    expect(mail.text).toContain('Priority: urgent');
    expect(mail.text).toContain('> Every hour');
    expect(renderTicketEmail(input(ticket, find('taken'), { audience: 'department' }))).toBeNull();
  });

  it('alerts staff of SLA steps and urgent tickets out of hours, each to its audience', () => {
    const due = new Date('2030-03-04T09:30:00Z');
    const reminder = systemEvent(ticket, 'sla_reminder', { target: 'firstResponse', due });
    const text = render(ticket, reminder, { audience: 'assignee', timeZone: 'Europe/Moscow' }).text;
    expect(text).toContain(`Reminder: the first response on #${ticket.number} «VPN drops» is due Mar 4, 2030, 12:30 PM.`);
    expect(text).toContain('Assignee: Ivan Agent');
    const ru = render(ticket, reminder, { audience: 'assignee', locale: 'ru', timeZone: 'Europe/Moscow' }).text;
    expect(ru).toContain('Напоминание: первый ответ');
    expect(ru).toContain('12:30');
    expect(render(ticket, systemEvent(ticket, 'sla_breached', { target: 'resolution', due }), { audience: 'coordinator' }).text).toContain('SLA breached');
    expect(render(ticket, systemEvent(ticket, 'sla_escalated', { target: 'resolution', due }), { audience: 'manager' }).text).toContain('Escalation');
    expect(render(ticket, systemEvent(ticket, 'on_duty_alerted', {}), { audience: 'on_duty' }).text).toContain('arrived outside working hours');
    expect(renderTicketEmail(input(ticket, systemEvent(ticket, 'sla_escalated', { target: 'resolution', due }), { audience: 'assignee' }))).toBeNull();
    // The work on the ticket reaches its assignee and watchers too, when e-mail is their channel.
    expect(render(ticket, find('replied'), { audience: 'watcher' }).text).toContain(`wrote on #${ticket.number}`);
    expect(renderTicketEmail(input(ticket, find('taken'), { audience: 'watcher' }))).toBeNull();
    const alert = render(ticket, reminder, { audience: 'assignee' });
    expect(alert.inReplyTo).toBe(rootMessageId(ticket, FROM));
    expect(alert.messageId).not.toBe(render(ticket, reminder, { audience: 'coordinator' }).messageId);
  });

  it('takes the message id domain from the sender', () => {
    expect(senderDomain('Helpdesk <help@Desk.Example.com>')).toBe('desk.example.com');
    expect(senderDomain('help@example.org')).toBe('example.org');
    expect(senderDomain('nobody')).toBe('helpdesk.invalid');
  });
});

describe('SMTP failures', () => {
  let ticket: Ticket;
  let mail: OutgoingEmail;

  beforeAll(async () => {
    ticket = await tickets.open(org.requester.actor, { description: 'Mouse is dead', department: 'it', source: 'api' }, 'api');
    mail = render(ticket, (await journal(ticket))[0]!);
  });

  async function failure(send: Promise<unknown>): Promise<ChannelError> {
    const error = await send.then(
      () => null,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(ChannelError);
    return error as ChannelError;
  }

  function expectNoPassword(...texts: string[]): void {
    for (const text of [...texts, ...logLines]) {
      expect(text).not.toContain(smtp.password);
      expect(text).not.toContain(encodeURIComponent(smtp.password));
    }
  }

  it('a 4xx refusal is retryable, a 5xx refusal of the recipient is not', async () => {
    const sender = mailer();
    smtp.refuseWith(451);
    const busy = await failure(sender.send({ ...mail, to: 'rita@example.test' }));
    expect(busy.retryable).toBe(true);
    expect(busy.message).toContain('451');
    smtp.refuseWith(550, 'No such user here');
    const gone = await failure(sender.send({ ...mail, to: 'nobody@example.test' }));
    expect(gone.retryable).toBe(false);
    expect(gone.message).toContain('550');
    expect(gone.message).toContain('No such user here');
    smtp.refuseWith(null);
    const before = smtp.messages.length;
    await sender.send({ ...mail, to: 'rita@example.test' });
    await smtp.waitFor(before + 1);
    expectNoPassword(busy.message, gone.message);
  });

  it('a server that is down is retryable, and verify() says so', async () => {
    const port = await freePort();
    const url = `smtp://${smtp.user}:${encodeURIComponent(smtp.password)}@127.0.0.1:${port}`;
    const sender = mailer(url, { connectMs: 2_000 });
    const down = await failure(sender.send({ ...mail, to: 'rita@example.test' }));
    expect(down.retryable).toBe(true);
    const verify = await failure(sender.verify());
    expect(verify.retryable).toBe(true);
    await expect(mailer().verify()).resolves.toBeUndefined();
    expectNoPassword(down.message, verify.message);
  });

  it('a server that never greets times out, retryably', async () => {
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    try {
      const sender = mailer(`smtp://127.0.0.1:${port}`, { connectMs: 1_000, greetingMs: 300, socketMs: 1_000 });
      const timeout = await failure(sender.send({ ...mail, to: 'rita@example.test' }));
      expect(timeout.retryable).toBe(true);
      expect(timeout.message).toContain('ETIMEDOUT');
    } finally {
      silent.close();
    }
  });

  it('a refused login waits for a fixed SMTP_URL (retryable) and names no password', async () => {
    const wrong = 'Wr0ng-pass-XYZ';
    const sender = mailer(`smtp://${smtp.user}:${wrong}@127.0.0.1:${smtp.port}`);
    const refused = await failure(sender.send({ ...mail, to: 'rita@example.test' }));
    expect(refused.retryable).toBe(true);
    expect(refused.message).toContain('SMTP_URL');
    for (const text of [refused.message, ...logLines]) expect(text).not.toContain(wrong);
    expectNoPassword(refused.message);
    expect(logLines.some((line) => line.includes('mail not sent'))).toBe(true);
  });
});
