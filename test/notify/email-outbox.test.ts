import { forgetPeople } from '../../src/people/people-cache.js';
import { invalidateDepartments } from '../../src/db/department-cache.js';
import { simpleParser } from 'mailparser';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackgroundJobs, type BackgroundJobs } from '../../src/jobs/background-jobs.js';
import { defaultLocalesDir } from '../../src/i18n/locales-dir.js';
import { loadI18n } from '../../src/i18n/translate.js';
import { Breakers } from '../../src/notify/breaker.js';
import { startFlakyLink, type FlakyLink } from '../support/flaky-link.js';
import { ChannelRegistry } from '../../src/notify/channel.js';
import { createEventDelivery } from '../../src/notify/deliver-event.js';
import { createEmailOutlet } from '../../src/notify/email/email-outlet.js';
import { createMailer, type Mailer } from '../../src/notify/email/mailer.js';
import { actorFromPerson, type Actor } from '../../src/people/actor.js';
import { systemActor } from '../../src/people/system-actor.js';
import { createTicketService, type TicketService } from '../../src/tickets/ticket-service.js';
import { useTestDatabase } from '../support/database.js';
import { RecordingChannel } from '../support/recording-channel.js';
import { startSmtpCapture, type SmtpCapture } from '../support/smtp-capture.js';

const db = useTestDatabase('email_outbox');
const logger = pino({ level: 'silent' });
const clock = () => new Date();
const FROM = 'Helpdesk <help@desk.example.com>';
let smtp: SmtpCapture;
let smtpLink: FlakyLink;
const breakers = new Breakers({ failuresToOpen: 3, openMs: 300, maxOpenMs: 2000 });
let mailer: Mailer;
let jobs: BackgroundJobs;
let tickets: TicketService;
let channel: RecordingChannel;
let requester: Actor;
let agent: Actor;

const mailsTo = (address: string) => smtp.messages.filter((mail) => mail.to.includes(address));

beforeAll(async () => {
  smtp = await startSmtpCapture();
  // The helpdesk reaches the SMTP server through a link that can go down.
  smtpLink = await startFlakyLink({ port: smtp.port });
  const { models } = db.current;
  await models.Department.create({ key: 'it', name: { en: 'IT' }, email: 'it-desk@x.test', telegramChats: ['-100'] });
  const req = await models.Person.create({ name: 'Rita Requester', email: 'rita@x.test', role: 'requester', origin: 'config' });
  const ag = await models.Person.create({ name: 'Anna Agent', email: 'anna@x.test', role: 'agent', departments: ['it'], origin: 'config' });
  // Anna is on Telegram: by default she hears there, not by e-mail.
  await models.Identity.create({ platform: 'telegram', externalId: '222', personId: ag._id });
  requester = actorFromPerson(req.toObject());
  agent = actorFromPerson(ag.toObject());

  channel = new RecordingChannel();
  const channels = new ChannelRegistry(breakers);
  channels.register(channel);
  mailer = createMailer({ url: smtp.url.replace(`:${smtp.port}`, `:${smtpLink.port}`), from: FROM, timeouts: { connectMs: 1000, greetingMs: 1000, socketMs: 2000 } }, logger);
  const email = createEmailOutlet({ models, mailer, translate: loadI18n(defaultLocalesDir()).translate, fromAddress: FROM, timeZone: 'UTC' });
  tickets = createTicketService({ models, clock, logger, timezone: 'UTC' });
  const delivery = createEventDelivery({ models, channels, logger, locale: 'en', clock, email });
  jobs = createBackgroundJobs({ db: db.current, delivery, logger, clock, processEveryMs: 100, deliveryRetry: { baseDelayMs: 50, maxDelayMs: 500 } });
  tickets.subscribe((event, ticket) => jobs.outbox.enqueue(event, ticket));
  await jobs.start();
});

afterAll(async () => {
  await jobs.stop();
  mailer.close();
  await smtp.close();
  await smtpLink.close();
});

describe('e-mail through the outbox, to a real SMTP server', { timeout: 60_000 }, () => {
  it('mails the requester and the department mailbox on a new ticket, and threads the reply under it', async () => {
    const ticket = await tickets.open(requester, { title: 'Printer on floor 3', description: 'It is jammed', department: 'it', source: 'api' }, 'api');
    await smtp.waitFor(2, 30_000);
    await jobs.settle(30_000);
    expect(mailsTo('rita@x.test')).toHaveLength(1);
    expect(mailsTo('it-desk@x.test')).toHaveLength(1);
    const opened = await simpleParser(mailsTo('rita@x.test')[0]!.raw);
    expect(opened.subject).toContain(`#${ticket.number}`);
    expect(opened.headers.get('auto-submitted')).toBe('auto-generated');
    const root = opened.messageId!;

    await tickets.take(agent, ticket.number, 'telegram');
    await tickets.reply(agent, ticket.number, { text: 'Fixed the paper tray' }, 'telegram');
    await jobs.settle(30_000);
    const toRita = mailsTo('rita@x.test');
    const reply = await simpleParser(toRita[toRita.length - 1]!.raw);
    expect(reply.text).toContain('Fixed the paper tray');
    expect(reply.subject).toBe(opened.subject);
    expect(reply.inReplyTo).toBe(root);
    expect([reply.references].flat()).toContain(root);
    expect(reply.messageId).not.toBe(root);
    // Anna has Telegram and chose nothing: her notices stay in chat.
    expect(mailsTo('anna@x.test')).toHaveLength(0);
    expect(channel.directs.some((d) => d.userId === '222')).toBe(false);
  });

  it('a retried delivery sends no mail twice; a muted requester gets none; a chosen e-mail channel is honoured', async () => {
    const ticket = await tickets.open(requester, { title: 'VPN', description: 'Down again', department: 'it', source: 'api' }, 'api');
    await jobs.settle(30_000);
    const before = smtp.messages.length;
    const [opened] = await tickets.journal(agent, ticket.number);
    // The same event delivered again (a job run twice): everything was sent already.
    const again = createEventDelivery({
      models: db.current.models,
      channels: new ChannelRegistry(),
      logger,
      locale: 'en',
      clock,
      email: createEmailOutlet({ models: db.current.models, mailer, translate: loadI18n(defaultLocalesDir()).translate, fromAddress: FROM, timeZone: 'UTC' }),
    });
    await again.deliver({ eventId: opened!._id, ticketId: ticket._id });
    expect(smtp.messages.length).toBe(before);

    // Muted: the take and the reply reach Rita nowhere.
    await db.current.models.Person.updateOne({ _id: requester.id }, { $set: { 'notify.muted': true } });
    await forgetPeople(db.current.models);
    await tickets.take(agent, ticket.number, 'telegram');
    await tickets.reply(agent, ticket.number, { text: 'Restarted the gateway' }, 'telegram');
    await jobs.settle(30_000);
    expect(smtp.messages.length).toBe(before);

    // Tom is on Telegram but chose e-mail: the answer comes by mail only.
    const tom = await db.current.models.Person.create({ name: 'Tom', email: 'tom@x.test', role: 'requester', origin: 'config', notify: { channels: ['email'] } });
    await db.current.models.Identity.create({ platform: 'telegram', externalId: '777', personId: tom._id });
    await forgetPeople(db.current.models);
    const his = await tickets.open(actorFromPerson(tom.toObject()), { title: 'Mouse', description: 'Broken wheel', department: 'it', source: 'telegram' }, 'telegram');
    await tickets.take(agent, his.number, 'telegram');
    await tickets.reply(agent, his.number, { text: 'New mouse on your desk' }, 'telegram');
    await jobs.settle(30_000);
    // An agent who chose e-mail reads the requester's comment there, not in chat.
    await db.current.models.Person.updateOne({ _id: agent.id }, { $set: { 'notify.channels': ['email'] } });
    await forgetPeople(db.current.models);
    await tickets.reply(actorFromPerson(tom.toObject()), his.number, { text: 'Thanks, the wheel still squeaks' }, 'telegram');
    await jobs.settle(30_000);
    const toAnna = mailsTo('anna@x.test');
    expect(toAnna).toHaveLength(1);
    expect((await simpleParser(toAnna[0]!.raw)).text).toContain('the wheel still squeaks');
    expect(channel.directs.filter((d) => d.userId === '222')).toHaveLength(0);
    await db.current.models.Person.updateOne({ _id: agent.id }, { $set: { 'notify.channels': [] } });
    await forgetPeople(db.current.models);
    const toTom = mailsTo('tom@x.test');
    expect(toTom.length).toBeGreaterThanOrEqual(2);
    expect((await simpleParser(toTom[toTom.length - 1]!.raw)).text).toContain('New mouse on your desk');
    expect(channel.directs.filter((d) => d.userId === '777')).toHaveLength(0);
  });

  it('alerts the on-duty people by chat and by e-mail both, muted or not', async () => {
    await db.current.models.Department.updateOne({ key: 'it' }, { $set: { 'settings.onDuty': ['anna@x.test'] } });
    invalidateDepartments(db.current.models);
    await db.current.models.Person.updateOne({ _id: agent.id }, { $set: { 'notify.muted': true, 'notify.channels': [] } });
    await forgetPeople(db.current.models);
    const ticket = await tickets.open(requester, { title: 'Server room flooded', description: 'Water on the floor', department: 'it', source: 'api', priority: 'urgent' }, 'api');
    await tickets.alertOnDuty(await systemActor(db.current.models), ticket.number);
    await jobs.settle(30_000);
    const alert = mailsTo('anna@x.test').filter((mail) => mail.raw.includes(`#${ticket.number}`));
    expect(alert).toHaveLength(1);
    expect((await simpleParser(alert[0]!.raw)).text).toContain('Water on the floor');
    expect(channel.directs.filter((d) => d.userId === '222' && d.notice.event.type === 'on_duty_alerted')).toHaveLength(1);
    await db.current.models.Person.updateOne({ _id: agent.id }, { $set: { 'notify.muted': false } });
    await forgetPeople(db.current.models);
  });

  it('an SMTP server that refuses for a while is retried until the mail goes, once', async () => {
    await db.current.models.Person.updateOne({ _id: requester.id }, { $set: { 'notify.muted': false } });
    await forgetPeople(db.current.models);
    smtp.refuseWith(451, 'try again later');
    const ticket = await tickets.open(requester, { title: 'Badge', description: 'Lost my badge', department: 'it', source: 'api' }, 'api');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(smtp.messages.filter((mail) => mail.raw.includes(`#${ticket.number}`))).toHaveLength(0);
    smtp.refuseWith(null);
    await jobs.settle(30_000);
    expect(smtp.messages.filter((mail) => mail.to.includes('rita@x.test') && mail.raw.includes(`#${ticket.number}`))).toHaveLength(1);
  });

  it.each(['refusing', 'hanging'] as const)('an SMTP server %s connections holds up only the mail: cards at once, then each mail once', async (state) => {
    await jobs.settle(30_000);
    await smtpLink.set(state);
    const numbers: number[] = [];
    for (let i = 1; i <= 3; i += 1) {
      const askedAt = Date.now();
      const ticket = await tickets.open(requester, { title: `Mail ${state} ${i}`, description: 'The mail server is down', department: 'it', source: 'api' }, 'api');
      numbers.push(ticket.number);
      while (channel.cardsOf(ticket.number).length === 0) {
        expect(Date.now() - askedAt).toBeLessThan(5000);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    const until = Date.now() + 15_000;
    while (breakers.of('email').closed) {
      expect(Date.now()).toBeLessThan(until);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(smtp.messages.filter((mail) => numbers.some((n) => mail.raw.includes(`#${n}`)))).toEqual([]);
    await smtpLink.set('up');
    await jobs.settle(30_000);
    for (const number of numbers) {
      const about = smtp.messages.filter((mail) => mail.raw.includes(`#${number}`));
      expect(about.filter((mail) => mail.to.includes('rita@x.test'))).toHaveLength(1);
      expect(about.filter((mail) => mail.to.includes('it-desk@x.test'))).toHaveLength(1);
    }
  });
});
