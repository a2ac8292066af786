import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/config/env.js';
import { connectDatabase } from '../../src/db/connection.js';
import { startHelpdesk } from '../../src/main.js';
import { createApiToken } from '../../src/people/api-tokens.js';
import { uniqueDatabaseUri } from '../support/database.js';
import { startDovecot, type Dovecot } from '../support/dovecot.js';
import { freePort } from '../support/free-port.js';
import { startSmtpCapture, type SmtpCapture } from '../support/smtp-capture.js';

const run = promisify(execFile);
const MAILBOX = { user: 'it@corp.example', password: 'it-mailbox-secret' };
let dovecot: Dovecot;
let smtp: SmtpCapture;
let configPath: string;

beforeAll(async () => {
  dovecot = await startDovecot([MAILBOX]);
  smtp = await startSmtpCapture();
  configPath = join(await mkdtemp(join(tmpdir(), 'helpdesk-main-mail-')), 'org.yaml');
  await writeFile(
    configPath,
    `timezone: UTC
locale: en
departments:
  - id: it
    name: { en: IT support }
    email: it@corp.example
    hours: 24/7
    mailbox:
      url: ${dovecot.imapsUrl}
      caFile: ${dovecot.caFile}
      user: ${MAILBOX.user}
      passwordEnv: HELPDESK_TEST_MAILBOX_IT
      pollSeconds: 30
      replyAddresses: true
people:
  - { name: Rita Requester, email: rita@corp.example, role: requester }
  - { name: Ivan Agent, email: ivan@corp.example, role: agent, departments: [it] }
`,
  );
  process.env.HELPDESK_TEST_MAILBOX_IT = MAILBOX.password;
}, 60_000);

afterAll(async () => {
  delete process.env.HELPDESK_TEST_MAILBOX_IT;
  await smtp?.close();
  await dovecot?.stop();
});

async function until<T>(probe: () => Promise<T | null | undefined | false>, what: string, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('mail in the running helpdesk', () => {
  it('a mail becomes a ticket at once (IDLE), the answer goes out by mail, and the reply to it lands on the ticket', async () => {
    const databaseUri = uniqueDatabaseUri('main_mail_in');
    const env = parseEnv({ MONGODB_URI: databaseUri, HELPDESK_CONFIG: configPath, SMTP_URL: smtp.url, SMTP_FROM: 'Helpdesk <help@corp.example>', PORT: String(await freePort()), HOST: '127.0.0.1' });
    const running = await startHelpdesk(env, pino({ level: 'silent' }));
    try {
      const { models } = running.db;
      // Delivered after the start: the open connection hears of it without waiting the 30 s poll.
      await new Promise((resolve) => setTimeout(resolve, 500));
      await dovecot.deliver(MAILBOX.user, ['From: Rita Requester <rita@corp.example>', 'To: it@corp.example', 'Subject: VPN drops every hour', 'Message-ID: <first@rita.example>', 'Content-Type: text/plain; charset=utf-8', '', 'Since Monday.', ''].join('\n'));
      const ticket = await until(() => models.Ticket.findOne({ title: 'VPN drops every hour' }).lean(), 'the ticket from the mail', 8000);
      expect(ticket).toMatchObject({ source: 'email', requester: { email: 'rita@corp.example' } });

      const { token } = await createApiToken(models, { personEmail: 'ivan@corp.example', name: 'ivan' });
      const answered = await fetch(`http://127.0.0.1:${env.port}/api/v1/tickets/${ticket.number}/comments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'Please restart the VPN client.' }),
      });
      expect(answered.status).toBe(201);
      const notice = await until(async () => smtp.messages.find((sent) => sent.to.includes('rita@corp.example') && sent.raw.includes('restart the VPN client')), 'the answer by mail');
      const messageId = /^Message-ID:\s*(<[^>]+>)/im.exec(notice.raw)![1]!;
      expect(notice.raw).toMatch(new RegExp(`Subject: .*\\[#${ticket.number}\\]`));
      expect(notice.raw).toContain(`Reply-To: it+${ticket.number}@corp.example`);

      await dovecot.deliver(MAILBOX.user, ['From: rita@corp.example', 'To: help@corp.example', `Subject: Re: [#${ticket.number}] VPN drops every hour`, `In-Reply-To: ${messageId}`, `References: ${messageId}`, 'Content-Type: text/plain; charset=utf-8', '', 'Restarted, it works now. Thanks!', '', '> Please restart the VPN client.', ''].join('\n'));
      const reply = await until(() => models.JournalEvent.findOne({ ticketNumber: ticket.number, type: 'replied', actorName: 'Rita Requester' }).lean(), 'the reply on the ticket', 8000);
      expect(reply.text).toBe('Restarted, it works now. Thanks!');

      // Her mailbox starts bouncing: the team sees it on the ticket, and no more mail goes to it for a while.
      await dovecot.deliver(MAILBOX.user, ['From: MAILER-DAEMON@mx.corp.example', 'To: help@corp.example', 'Subject: Undelivered Mail', 'Content-Type: multipart/report; report-type=delivery-status; boundary="r"', '', '--r', 'Content-Type: text/plain', '', 'Delivery failed.', '--r', 'Content-Type: message/delivery-status', '', 'Reporting-MTA: dns; mx.corp.example', '', 'Final-Recipient: rfc822; rita@corp.example', 'Action: failed', 'Status: 5.2.2', '--r--', ''].join('\n'));
      await until(() => models.JournalEvent.findOne({ ticketNumber: ticket.number, type: 'noted', text: /rita@corp\.example came back undelivered/ }).lean(), 'the bounce on the ticket', 8000);
      await fetch(`http://127.0.0.1:${env.port}/api/v1/tickets/${ticket.number}/comments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'Glad it works. Closing soon.' }),
      });
      await running.jobs.settle();
      expect(smtp.messages.some((sent) => sent.to.includes('rita@corp.example') && sent.raw.includes('Glad it works'))).toBe(false);
    } finally {
      await running.shutdown.shutdown('test');
    }
    const db = await connectDatabase(databaseUri);
    await db.connection.dropDatabase();
    await db.close();
  });

  it('helpdesk mail poll reads every mailbox once and prints what became of the mail', async () => {
    const databaseUri = uniqueDatabaseUri('cli_mail_poll');
    // The org config's people, as the start syncs them.
    const db = await connectDatabase(databaseUri);
    await db.models.Department.create({ key: 'it', name: { en: 'IT support' } });
    await db.models.Person.create({ name: 'Rita Requester', email: 'rita@corp.example', role: 'requester', origin: 'config' });
    await dovecot.deliver(MAILBOX.user, ['From: rita@corp.example', 'Subject: Mouse is broken', '', 'Left button.', ''].join('\n'));
    await dovecot.deliver(MAILBOX.user, ['From: rita@corp.example', 'Subject: Out of office', 'Auto-Submitted: auto-replied', '', 'Away.', ''].join('\n'));
    const cli = join(import.meta.dirname, '../../src/cli/index.ts');
    const tsx = join(import.meta.dirname, '../../node_modules/.bin/tsx');
    const { stdout } = await run(tsx, [cli, 'mail', 'poll'], { env: { ...process.env, LOG_LEVEL: 'silent', MONGODB_URI: databaseUri, HELPDESK_CONFIG: configPath } });
    expect(stdout.trim().split('\n').at(-1)).toBe('tickets 1, comments 0, refused 0, ignored 1, failed 0');
    expect(await db.models.Ticket.countDocuments({ title: 'Mouse is broken' })).toBe(1);
    await db.connection.dropDatabase();
    await db.close();
  });

  it('handles each mail once across a kill -9 of the reader midway', async () => {
    const databaseUri = uniqueDatabaseUri('cli_mail_kill');
    const db = await connectDatabase(databaseUri);
    await db.models.Department.create({ key: 'it', name: { en: 'IT support' } });
    await db.models.Person.create({ name: 'Rita Requester', email: 'rita@corp.example', role: 'requester', origin: 'config' });
    const config = join(await mkdtemp(join(tmpdir(), 'helpdesk-kill-')), 'org.yaml');
    await writeFile(config, (await import('node:fs/promises').then((fs) => fs.readFile(configPath, 'utf8'))).replace('pollSeconds: 30', 'pollSeconds: 30\n      maxNewPerSenderPerHour: 100'));
    const count = 30;
    for (let i = 0; i < count; i += 1) await dovecot.deliver(MAILBOX.user, [`From: rita@corp.example`, `Subject: Killed ${i}`, `Message-ID: <killed-${i}@rita.example>`, '', `Mail ${i}`, ''].join('\n'));
    const cli = join(import.meta.dirname, '../../src/cli/index.ts');
    const tsx = join(import.meta.dirname, '../../node_modules/.bin/tsx');
    const env = { ...process.env, LOG_LEVEL: 'silent', MONGODB_URI: databaseUri, HELPDESK_CONFIG: config };
    const { spawn } = await import('node:child_process');
    const child = spawn(tsx, [cli, 'mail', 'poll'], { env, stdio: 'ignore' });
    // Killed once it has opened some tickets, in the middle of the rest.
    await until(async () => (await db.models.Ticket.countDocuments()) >= 5, 'the first tickets', 30_000);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const partial = await db.models.Ticket.countDocuments();
    expect(partial).toBeLessThan(count);
    // The claim of the mail it held is fresh: the next reader waits out its lease (5 minutes), so
    // the test ages it, as time would.
    await db.models.KvEntry.updateMany({ scope: 'mail-in', 'value.state': 'processing' }, { $set: { 'value.until': new Date(Date.now() - 1000).toISOString() } });
    const { stdout } = await run(tsx, [cli, 'mail', 'poll'], { env });
    expect(stdout).toContain('failed 0');
    const titles = (await db.models.Ticket.find({}).select({ title: 1 }).lean()).map((ticket) => ticket.title).sort();
    expect(titles).toEqual(Array.from({ length: count }, (_, i) => `Killed ${i}`).sort());
    expect(await dovecot.subjects(MAILBOX.user, 'INBOX')).toEqual([]);
    await db.connection.dropDatabase();
    await db.close();
  }, 90_000);
});
