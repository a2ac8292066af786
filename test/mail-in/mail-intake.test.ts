import type { ImapFlow } from 'imapflow';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailboxSchema } from '../../src/config/mailbox-schema.js';
import { createFileStore } from '../../src/db/files.js';
import { loadI18n } from '../../src/i18n/translate.js';
import { defaultLocalesDir } from '../../src/i18n/locales-dir.js';
import { drainMailbox } from '../../src/mail-in/drain-mailbox.js';
import { openImap } from '../../src/mail-in/imap-session.js';
import { mailClaims } from '../../src/mail-in/mail-claims.js';
import { readMail } from '../../src/mail-in/incoming-mail.js';
import { processMail, type MailboxRef, type MailIntakeDeps } from '../../src/mail-in/process-mail.js';
import { senderAnswers } from '../../src/mail-in/sender-answers.js';
import { rootMessageId } from '../../src/notify/email/email-threading.js';
import { createMailer, type Mailer } from '../../src/notify/email/mailer.js';
import { createTicketService } from '../../src/tickets/ticket-service.js';
import { useTestDatabase } from '../support/database.js';
import { startDovecot, type Dovecot } from '../support/dovecot.js';
import { startSmtpCapture, type SmtpCapture } from '../support/smtp-capture.js';

const db = useTestDatabase('mail_intake');
const logger = pino({ level: 'silent' });
const MAILBOX = { user: 'it@corp.example', password: 'it-mailbox-secret' };
let dovecot: Dovecot;
let smtp: SmtpCapture;
let mailer: Mailer;
let deps: MailIntakeDeps;
let mailbox: MailboxRef;
let client: ImapFlow;

function mail(headers: Record<string, string>, body: string): string {
  const lines = Object.entries({ 'Message-ID': `<m${Math.random().toString(36).slice(2)}@client.example>`, Date: new Date().toUTCString(), 'MIME-Version': '1.0', ...headers }).map(([name, value]) => `${name}: ${value}`);
  return `${lines.join('\n')}\n\n${body}\n`;
}

const text = (from: string, subject: string, body: string, extra: Record<string, string> = {}) =>
  mail({ From: from, To: MAILBOX.user, Subject: subject, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Transfer-Encoding': '8bit', ...extra }, body);

async function drain() {
  return drainMailbox(deps, client, mailbox);
}

beforeAll(async () => {
  dovecot = await startDovecot([MAILBOX]);
  smtp = await startSmtpCapture();
  mailer = createMailer({ url: smtp.url, from: 'Helpdesk <help@corp.example>', timeouts: { connectMs: 2000, greetingMs: 2000, socketMs: 5000 } }, logger);
  const { models, connection } = db.current;
  await models.Department.create({ key: 'it', name: { en: 'IT' } });
  await models.Person.create([
    { name: 'Rita Requester', email: 'rita@corp.example', role: 'requester', origin: 'config' },
    { name: 'Ivan Agent', email: 'ivan@corp.example', role: 'agent', departments: ['it'], origin: 'config' },
    { name: 'Olga Accountant', email: 'olga@corp.example', role: 'requester', origin: 'config' },
    { name: 'Dora Duplicate', email: 'dora@corp.example', role: 'requester', origin: 'config' },
    { name: 'Sam Storm', email: 'sam@corp.example', role: 'requester', origin: 'config' },
    { name: 'Gone Person', email: 'gone@corp.example', role: 'requester', origin: 'directory', active: false },
  ]);
  const i18n = loadI18n(defaultLocalesDir(), 'en');
  const translate = (key: string, params?: Record<string, string | number>) => i18n.translate('en', key, params);
  deps = {
    models,
    tickets: createTicketService({ models, clock: () => new Date(), logger, timezone: 'UTC' }),
    files: createFileStore(connection, 1024 * 1024),
    logger,
    clock: () => new Date(),
    registrationOpen: false,
    answer: senderAnswers({ models, mailer, fromAddress: 'Helpdesk <help@corp.example>', translate, clock: () => new Date() }),
    translate,
  };
  const settings = mailboxSchema.parse({ url: dovecot.imapsUrl, user: MAILBOX.user, passwordEnv: 'MAILBOX_IT', caFile: dovecot.caFile, maxMailMegabytes: 2, maxNewPerSenderPerHour: 6 });
  mailbox = { key: 'it:it@corp.example/INBOX', department: 'it', settings };
  client = await openImap(settings, MAILBOX.password);
}, 60_000);

afterAll(async () => {
  await client?.logout().catch(() => undefined);
  mailer?.close();
  await smtp?.close();
  await dovecot?.stop();
});

describe('mail in', () => {
  it('opens a ticket from a new mail with its attachment, and moves the mail to the done folder', async () => {
    const boundary = 'b1';
    await dovecot.deliver(
      MAILBOX.user,
      mail(
        { From: 'Rita Requester <Rita@corp.example>', To: MAILBOX.user, Subject: 'Printer on floor 3 jams', 'Content-Type': `multipart/mixed; boundary="${boundary}"` },
        [`--${boundary}`, 'Content-Type: text/plain; charset=utf-8', '', 'Tray 2 jams on every page.', `--${boundary}`, 'Content-Type: application/pdf; name="error.pdf"', 'Content-Disposition: attachment; filename="error.pdf"', 'Content-Transfer-Encoding: base64', '', Buffer.from('%PDF-1.4 fake').toString('base64'), `--${boundary}--`].join('\n'),
      ),
    );
    expect(await drain()).toMatchObject({ tickets: 1, comments: 0, refused: 0, ignored: 0, failed: 0 });
    const ticket = await db.current.models.Ticket.findOne({ title: 'Printer on floor 3 jams' }).lean();
    expect(ticket).toMatchObject({ source: 'email', department: 'it', requester: { email: 'rita@corp.example' } });
    expect(ticket?.description).toContain('Tray 2 jams on every page.');
    expect(ticket?.attachments.map((file) => file.name)).toEqual(['error.pdf']);
    expect(await dovecot.subjects(MAILBOX.user, 'INBOX')).toEqual([]);
    expect(await dovecot.subjects(MAILBOX.user, 'Helpdesk/Done')).toEqual(['Printer on floor 3 jams']);
    expect(await drain()).toMatchObject({ tickets: 0 });
  });

  it('makes a reply from a mail client a comment on its ticket, without the quote and signature, the original attached', async () => {
    const ticket = (await db.current.models.Ticket.findOne({ title: 'Printer on floor 3 jams' }).lean())!;
    const root = rootMessageId(ticket, 'Helpdesk <help@corp.example>');
    await dovecot.deliver(
      MAILBOX.user,
      text('rita@corp.example', `Re: [#${ticket.number}] Printer on floor 3 jams`, ['It jams on tray 1 too.', '', '-- ', 'Rita, Sales', '', `On Mon, 7 Dec 2026 at 10:00, Helpdesk <help@corp.example> wrote:`, '> Ivan took your ticket.'].join('\n'), { 'In-Reply-To': root, References: root }),
    );
    // By the subject's tag alone, as a client that drops the headers would send it.
    await dovecot.deliver(MAILBOX.user, text('rita@corp.example', `AW: [#${ticket.number}] Printer`, 'Any news?'));
    expect(await drain()).toMatchObject({ comments: 2, tickets: 0 });
    const replies = await db.current.models.JournalEvent.find({ ticketNumber: ticket.number, type: 'replied' }).sort({ seq: 1 }).lean();
    expect(replies.map((event) => event.text)).toEqual(['It jams on tray 1 too.', 'Any news?']);
    expect(replies[0]!.attachments.map((file) => file.name)).toEqual(['original.eml']);
    expect(replies[0]).toMatchObject({ via: 'email', internal: false });
  });

  it("takes an agent's answer by mail as a public reply, or as an internal note with #note", async () => {
    const ticket = (await db.current.models.Ticket.findOne({ title: 'Printer on floor 3 jams' }).lean())!;
    await dovecot.deliver(MAILBOX.user, text('ivan@corp.example', `Re: [#${ticket.number}] Printer`, 'A technician comes at 3 pm.'));
    await dovecot.deliver(MAILBOX.user, text('ivan@corp.example', `Re: [#${ticket.number}] Printer`, '#note the fuser is worn out'));
    expect(await drain()).toMatchObject({ comments: 2 });
    const events = await db.current.models.JournalEvent.find({ ticketNumber: ticket.number, actorName: 'Ivan Agent' }).sort({ seq: 1 }).lean();
    expect(events.map((event) => [event.type, event.text, event.internal])).toEqual([
      ['replied', 'A technician comes at 3 pm.', false],
      ['noted', 'the fuser is worn out', true],
    ]);
  });

  it('never opens, feeds or answers auto-replies and bulk mail; a bounce marks the address and tells the team on the card', async () => {
    const before = await db.current.models.Ticket.countDocuments();
    const mails = smtp.messages.length;
    await dovecot.deliver(MAILBOX.user, text('rita@corp.example', 'Out of office', 'I am away until Monday.', { 'Auto-Submitted': 'auto-replied' }));
    await dovecot.deliver(MAILBOX.user, text('news@corp.example', 'Weekly news', 'Read all about it', { 'List-Id': '<news.corp.example>', Precedence: 'bulk' }));
    await dovecot.deliver(MAILBOX.user, text('stranger@elsewhere.example', 'Automatic reply', 'Thanks for your mail', { 'X-Autoreply': 'yes' }));
    await dovecot.deliver(
      MAILBOX.user,
      mail(
        { From: 'Mail Delivery System <MAILER-DAEMON@mx.corp.example>', To: MAILBOX.user, Subject: 'Undelivered Mail Returned to Sender', 'Content-Type': 'multipart/report; report-type=delivery-status; boundary="r"' },
        ['--r', 'Content-Type: text/plain', '', 'Your mail could not be delivered.', '--r', 'Content-Type: message/delivery-status', '', 'Reporting-MTA: dns; mx.corp.example', '', 'Final-Recipient: rfc822; rita@corp.example', 'Action: failed', 'Status: 5.1.1', '--r--'].join('\n'),
      ),
    );
    const result = await drain();
    expect(result).toEqual({ ignored: 4, tickets: 0, comments: 0, refused: 0, failed: 0 });
    expect(await db.current.models.Ticket.countDocuments()).toBe(before);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(smtp.messages.length).toBe(mails);
    expect((await db.current.models.Person.findOne({ email: 'rita@corp.example' }).lean())?.emailFailingAt).toBeInstanceOf(Date);
    const note = await db.current.models.JournalEvent.findOne({ type: 'noted', actorName: 'Helpdesk' }).lean();
    expect(note).toMatchObject({ internal: true, text: 'Mail to rita@corp.example came back undelivered: the address is failing.' });
  });

  it('answers a sender it does not take, once a day, with the reason: unknown, left, too large', async () => {
    const before = await db.current.models.Ticket.countDocuments();
    await dovecot.deliver(MAILBOX.user, text('Stranger <stranger@elsewhere.example>', 'Help me', 'Please'));
    await dovecot.deliver(MAILBOX.user, text('stranger@elsewhere.example', 'Help me again', 'Please!'));
    await dovecot.deliver(MAILBOX.user, text('gone@corp.example', 'I am back?', 'Hello'));
    await dovecot.deliver(MAILBOX.user, text('rita@corp.example', 'A huge scan', 'x'.repeat(3 * 1024 * 1024)));
    expect(await drain()).toMatchObject({ refused: 4, tickets: 0 });
    expect(await db.current.models.Ticket.countDocuments()).toBe(before);
    const answers = await smtp.waitFor(3);
    const to = (address: string) => answers.filter((sent) => sent.to.includes(address)).map((sent) => ({ ...sent, raw: sent.raw.replace(/=\r?\n/g, '') }));
    expect(to('stranger@elsewhere.example')).toHaveLength(1);
    expect(to('stranger@elsewhere.example')[0]!.raw).toMatch(/Auto-Submitted: auto-replied/);
    expect(to('stranger@elsewhere.example')[0]!.raw).toContain('is not in our staff directory');
    expect(to('gone@corp.example')[0]!.raw).toContain('deactivated');
    expect(to('rita@corp.example')[0]!.raw).toContain('more than the 2 MB');
  });

  it('reads Windows-1251, KOI8-R and ISO-2022-JP, 8-bit headers, HTML with scripts, and a mail with no text', async () => {
    const { encode } = await import('./support/legacy-charsets.js');
    await dovecot.deliver(MAILBOX.user, Buffer.concat([Buffer.from('From: olga@corp.example\r\nSubject: =?windows-1251?B?' + encode('Не работает принтер', 'windows-1251').toString('base64') + '?=\r\nContent-Type: text/plain; charset=windows-1251\r\nContent-Transfer-Encoding: 8bit\r\n\r\n'), encode('Принтер в бухгалтерии', 'windows-1251'), Buffer.from('\r\n')]));
    await dovecot.deliver(MAILBOX.user, Buffer.concat([Buffer.from('From: olga@corp.example\r\nSubject: =?koi8-r?B?' + encode('Нет сети', 'koi8-r').toString('base64') + '?=\r\nContent-Type: text/plain; charset=koi8-r\r\nContent-Transfer-Encoding: 8bit\r\n\r\n'), encode('Сеть пропала', 'koi8-r'), Buffer.from('\r\n')]));
    await dovecot.deliver(MAILBOX.user, Buffer.concat([Buffer.from('From: olga@corp.example\r\nSubject: =?ISO-2022-JP?B?' + encode('プリンター', 'iso-2022-jp').toString('base64') + '?=\r\nContent-Type: text/plain; charset=ISO-2022-JP\r\nContent-Transfer-Encoding: 7bit\r\n\r\n'), encode('印刷できません', 'iso-2022-jp'), Buffer.from('\r\n')]));
    await dovecot.deliver(MAILBOX.user, Buffer.concat([Buffer.from('From: olga@corp.example\r\nSubject: '), Buffer.from('Сломался стул', 'utf8'), Buffer.from('\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nСпинка отвалилась\r\n')]));
    await dovecot.deliver(MAILBOX.user, mail({ From: 'olga@corp.example', Subject: 'HTML only', 'Content-Type': 'text/html; charset=utf-8' }, '<html><head><style>p{}</style></head><body><p>The <b>screen</b> flickers</p><script>alert("x")</script></body></html>'));
    await dovecot.deliver(MAILBOX.user, mail({ From: 'olga@corp.example', Subject: 'Nothing inside', 'Content-Type': 'text/plain' }, ''));
    expect(await drain()).toMatchObject({ tickets: 6, failed: 0 });
    const latest = await db.current.models.Ticket.find({}).sort({ number: -1 }).limit(6).lean();
    const byTitle = new Map(latest.map((ticket) => [ticket.title, ticket.description]));
    expect(byTitle.get('Не работает принтер')).toBe('Принтер в бухгалтерии');
    expect(byTitle.get('Нет сети')).toBe('Сеть пропала');
    expect(byTitle.get('プリンター')).toBe('印刷できません');
    expect(byTitle.get('Сломался стул')).toBe('Спинка отвалилась');
    expect(byTitle.get('HTML only')).toBe('The screen flickers');
    expect(byTitle.get('Nothing inside')).toBe('(the mail had no text)');
  });

  it('handles each mail once with two readers at the same moment, and once when its reader died after the change', async () => {
    const before = await db.current.models.Ticket.countDocuments();
    for (let i = 0; i < 4; i += 1) await dovecot.deliver(MAILBOX.user, text('ivan@corp.example', `Parallel ${i}`, `Mail ${i}`));
    const second = await openImap(mailbox.settings, MAILBOX.password);
    try {
      const [a, b] = await Promise.all([drain(), drainMailbox(deps, second, mailbox)]);
      expect(a.tickets + b.tickets).toBe(4);
    } finally {
      await second.logout();
    }
    expect(await db.current.models.Ticket.countDocuments()).toBe(before + 4);

    // A reader that stored the ticket and died before recording it: its claim is stale, the
    // mail still in the inbox. The next reader finds the change in the journal and only moves it.
    await dovecot.deliver(MAILBOX.user, text('ivan@corp.example', 'Died midway', 'Once only'));
    const lock = await client.getMailboxLock('INBOX');
    await client.noop();
    const last = await client.fetchOne('*', { uid: true, source: true });
    if (!last) throw new Error('the mail is not there');
    const uid = last.uid;
    const uidValidity = String(client.mailbox && client.mailbox.uidValidity);
    const raw = last.source!;
    lock.release();
    const key = `${mailbox.key}:${uidValidity}:${uid}`;
    const claims = mailClaims(db.current.models);
    expect(await claims.claim(key, new Date(Date.now() - 10 * 60_000))).toBe('claimed');
    await processMail(deps, mailbox, await readMail(raw), raw, key);
    expect(await drain()).toMatchObject({ tickets: 0 });
    expect(await db.current.models.Ticket.countDocuments({ title: 'Died midway' })).toBe(1);
    expect(await dovecot.subjects(MAILBOX.user, 'INBOX')).toEqual([]);
  });

  it('opens a few tickets, not a hundred, for a storm of mail from one sender', async () => {
    for (let i = 0; i < 9; i += 1) await dovecot.deliver(MAILBOX.user, text('sam@corp.example', `Storm ${i}`, `Again ${i}`));
    expect(await drain()).toMatchObject({ tickets: 6, comments: 3 });
    const tickets = await db.current.models.Ticket.find({ 'requester.email': 'sam@corp.example' }).sort({ number: 1 }).lean();
    expect(tickets).toHaveLength(6);
    // The rest feed the latest of them.
    expect(await db.current.models.JournalEvent.countDocuments({ ticketNumber: tickets.at(-1)!.number, type: 'replied' })).toBe(3);
  });

  it('with open registration, registers an unknown sender as a requester by the From name; someone who left stays out', async () => {
    const open = { ...deps, registrationOpen: true };
    await dovecot.deliver(MAILBOX.user, text('Nina Newcomer <nina@corp.example>', 'My first request', 'Hello'));
    await dovecot.deliver(MAILBOX.user, text('gone@corp.example', 'Let me in', 'Hello'));
    expect(await drainMailbox(open, client, mailbox)).toMatchObject({ tickets: 1, refused: 1 });
    expect(await db.current.models.Person.findOne({ email: 'nina@corp.example' }).lean()).toMatchObject({ name: 'Nina Newcomer', role: 'requester', origin: 'registration' });
    expect(await db.current.models.Person.countDocuments({ email: 'gone@corp.example' })).toBe(1);
  });

  it('takes the same mail once when it arrives twice, refuses a domain not allowed, reads broken MIME, and keeps a zip as it is', async () => {
    const { models } = db.current;
    const twice = text('dora@corp.example', 'Sent to two mailboxes', 'Once please', { 'Message-ID': '<same-mail@olga.example>' });
    await dovecot.deliver(MAILBOX.user, twice);
    await dovecot.deliver(MAILBOX.user, twice);
    expect(await drain()).toMatchObject({ tickets: 1, ignored: 1 });
    expect(await models.Ticket.countDocuments({ title: 'Sent to two mailboxes' })).toBe(1);

    const strict = { ...mailbox, settings: { ...mailbox.settings, allowedDomains: ['corp.example'] } };
    await dovecot.deliver(MAILBOX.user, text('someone@elsewhere.example', 'From outside', 'Hello'));
    expect(await drainMailbox(deps, client, strict)).toMatchObject({ refused: 1, tickets: 0 });
    const toOutsider = () => smtp.messages.find((sent) => sent.to.includes('someone@elsewhere.example'));
    for (let tries = 0; !toOutsider() && tries < 100; tries += 1) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(toOutsider()!.raw.replace(/=\r?\n/g, '')).toContain('takes no mail from elsewhere.example');

    // A multipart whose closing boundary never comes, a part with broken base64, a header line without a colon.
    await dovecot.deliver(
      MAILBOX.user,
      ['From: dora@corp.example', 'Subject: Broken MIME', 'This line is not a header', 'Content-Type: multipart/mixed; boundary="zz"', '', '--zz', 'Content-Type: text/plain; charset=utf-8', '', 'What could be read.', '--zz', 'Content-Type: application/octet-stream; name="bad.bin"', 'Content-Transfer-Encoding: base64', 'Content-Disposition: attachment; filename="bad.bin"', '', '!!!not base64***', ''].join('\n'),
    );
    // A zip that would unpack to far more than the limit is kept as the few bytes it is, never unpacked.
    const { deflateRawSync } = await import('node:zlib');
    const packed = deflateRawSync(Buffer.alloc(50 * 1024 * 1024));
    await dovecot.deliver(
      MAILBOX.user,
      ['From: dora@corp.example', 'Subject: A zip', 'Content-Type: multipart/mixed; boundary="q"', '', '--q', 'Content-Type: text/plain', '', 'See the archive.', '--q', 'Content-Type: application/zip; name="bomb.zip"', 'Content-Disposition: attachment; filename="bomb.zip"', 'Content-Transfer-Encoding: base64', '', packed.toString('base64'), '--q--', ''].join('\n'),
    );
    expect(await drain()).toMatchObject({ tickets: 2, failed: 0 });
    const broken = await models.Ticket.findOne({ title: 'Broken MIME' }).lean();
    expect(broken?.description).toContain('What could be read.');
    const zipped = await models.Ticket.findOne({ title: 'A zip' }).lean();
    expect(zipped?.attachments).toEqual([expect.objectContaining({ name: 'bomb.zip', size: packed.length })]);
  });

  it('finds the ticket by its own reply address when the mailbox uses them, and takes staff mail to the note address as a note', async () => {
    const { models } = db.current;
    const ticket = (await models.Ticket.findOne({ title: 'Printer on floor 3 jams' }).lean())!;
    const withAddresses = { ...mailbox, replyAddress: 'it@corp.example' };
    await dovecot.deliver(MAILBOX.user, text('rita@corp.example', 'About my printer', 'Still jammed.', { To: `it+${ticket.number}@corp.example` }));
    await dovecot.deliver(MAILBOX.user, text('ivan@corp.example', 'printer', 'Ordered a new fuser.', { To: `IT+${ticket.number}-note@corp.example` }));
    expect(await drainMailbox(deps, client, withAddresses)).toMatchObject({ comments: 2, tickets: 0 });
    const last = await models.JournalEvent.find({ ticketNumber: ticket.number }).sort({ seq: -1 }).limit(2).lean();
    expect(last.map((event) => [event.type, event.text, event.internal]).reverse()).toEqual([
      ['replied', 'Still jammed.', false],
      ['noted', 'Ordered a new fuser.', true],
    ]);
  });

  it('keeps the files within the attachment limit and names in the ticket the one that was not kept', async () => {
    const big = Buffer.alloc(1200 * 1024, 7).toString('base64').replace(/(.{76})/g, '$1\n');
    await dovecot.deliver(
      MAILBOX.user,
      ['From: dora@corp.example', 'Subject: Two files', 'Content-Type: multipart/mixed; boundary="f"', '', '--f', 'Content-Type: text/plain', '', 'Logs attached.', '--f', 'Content-Type: text/plain; name="small.log"', 'Content-Disposition: attachment; filename="small.log"', '', 'ok', '--f', 'Content-Type: application/octet-stream; name="huge.bin"', 'Content-Disposition: attachment; filename="huge.bin"', 'Content-Transfer-Encoding: base64', '', big, '--f--', ''].join('\n'),
    );
    expect(await drain()).toMatchObject({ tickets: 1, failed: 0 });
    const ticket = await db.current.models.Ticket.findOne({ title: 'Two files' }).lean();
    expect(ticket?.attachments.map((file) => file.name)).toEqual(['small.log']);
    expect(ticket?.description).toBe('Logs attached.\n\n📎 huge.bin (2 MB) was not kept: files may be up to 1 MB.');
  });

  it('says which setting to fix when a mailbox cannot be read: a wrong password, a certificate, a server that is not there', async () => {
    const { MailboxError } = await import('../../src/mail-in/imap-session.js');
    const failure = (promise: Promise<unknown>) => promise.then(() => null, (error: unknown) => error as InstanceType<typeof MailboxError>);
    const wrong = await failure(openImap(mailbox.settings, 'Wrong-Pa55'));
    expect(wrong).toBeInstanceOf(MailboxError);
    expect(wrong?.message).toBe(`${dovecot.imapsUrl} refused the login of it@corp.example: wrong user or password (check the mailbox's user and MAILBOX_IT)`);
    expect(wrong?.transient).toBe(false);
    const certificate = await failure(openImap({ ...mailbox.settings, caFile: dovecot.otherCaFile }, MAILBOX.password));
    expect(certificate?.message).toMatch(/does not verify .*set the mailbox's caFile/);
    const { freePort } = await import('../support/free-port.js');
    const nobody = await failure(openImap({ ...mailbox.settings, url: `imaps://127.0.0.1:${await freePort()}` }, MAILBOX.password));
    expect(nobody?.transient).toBe(true);
    expect(nobody?.message).toMatch(/^cannot read imaps:\/\/127\.0\.0\.1:\d+ .*ECONNREFUSED.*tried again later$/);
  });

  it("refuses with an answer a reply from someone who may not comment on that ticket, keeping none of its files", async () => {
    const { models, connection } = db.current;
    const ticket = (await models.Ticket.findOne({ title: 'Printer on floor 3 jams' }).lean())!;
    const files = () => connection.db!.collection('attachments.files').countDocuments();
    const before = { files: await files(), events: await models.JournalEvent.countDocuments({ ticketNumber: ticket.number }) };
    await dovecot.deliver(
      MAILBOX.user,
      mail({ From: 'olga@corp.example', Subject: `Re: [#${ticket.number}] Printer`, 'Content-Type': 'multipart/mixed; boundary="o"' }, ['--o', 'Content-Type: text/plain', '', 'Mine jams too!', '--o', 'Content-Type: text/plain; name="me.txt"', 'Content-Disposition: attachment; filename="me.txt"', '', 'hello', '--o--'].join('\n')),
    );
    expect(await drain()).toMatchObject({ refused: 1, comments: 0 });
    expect(await files()).toBe(before.files);
    expect(await models.JournalEvent.countDocuments({ ticketNumber: ticket.number })).toBe(before.events);
    const toOlga = () => smtp.messages.find((sent) => sent.to.includes('olga@corp.example'));
    for (let tries = 0; !toOlga() && tries < 100; tries += 1) await new Promise((resolve) => setTimeout(resolve, 50));
    // Someone who may not see a ticket is not told it exists; the subject gets no second "Re:".
    expect(toOlga()!.raw).toContain(`Subject: Re: [#${ticket.number}] Printer`);
    expect(toOlga()!.raw.replace(/=\r?\n/g, '')).toContain(`Ticket #${ticket.number} was not found.`);
  });
});
