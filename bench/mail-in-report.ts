import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { ImapFlow } from 'imapflow';
import pino from 'pino';
import { mailboxSchema } from '../src/config/mailbox-schema.js';
import { connectDatabase } from '../src/db/connection.js';
import { createFileStore } from '../src/db/files.js';
import { defaultLocalesDir } from '../src/i18n/locales-dir.js';
import { loadI18n } from '../src/i18n/translate.js';
import { drainMailbox } from '../src/mail-in/drain-mailbox.js';
import { openImap } from '../src/mail-in/imap-session.js';
import { mailIntakeDeps } from '../src/mail-in/mail-intake.js';
import { createTicketService } from '../src/tickets/ticket-service.js';
import { startDovecot } from '../test/support/dovecot.js';
import { fixed, machineDescription, writeSection } from './support.js';

const MAILS = Number(process.env.BENCH_MAIL_COUNT ?? 1000);
const SENDERS = 100;
const MAILBOX = { user: 'it@corp.example', password: 'bench-mailbox' };

function generatedMail(index: number): string {
  const body = `Request ${index}: the printer on floor ${index % 9} shows error E${index % 50}.\nIt started this morning.\n`.repeat(3);
  return [`From: Person ${index % SENDERS} <person${index % SENDERS}@corp.example>`, `To: ${MAILBOX.user}`, `Subject: Printer problem ${index}`, `Message-ID: <bench-${index}@corp.example>`, `Date: ${new Date().toUTCString()}`, 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', '', body].join('\r\n');
}

interface Measured {
  seconds: number;
  commands: number;
  rssMb: number;
}

async function measure(task: () => Promise<unknown>, commands: () => number): Promise<Measured> {
  const before = commands();
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const started = performance.now();
  try {
    await task();
  } finally {
    clearInterval(sampler);
  }
  return { seconds: (performance.now() - started) / 1000, commands: commands() - before, rssMb: Math.max(peak, process.memoryUsage().rss) / 2 ** 20 };
}

/**
 * `npm run bench mail`: MAIL_COUNT mails (from 100 senders of the directory) in a real dovecot
 * mailbox drained to tickets by the helpdesk's reader, beside the baseline of fetching the same
 * mails whole over the same IMAPS connection kind.
 */
export async function runMailInBenchmark(serverUri: string, described: string, file: string): Promise<void> {
  const logger = pino({ level: 'silent' });
  const dovecot = await startDovecot([MAILBOX]);
  const uri = new URL(serverUri);
  uri.pathname = `/bench_mail_${Date.now()}`;
  uri.searchParams.set('monitorCommands', 'true');
  const db = await connectDatabase(uri.toString());
  let commands = 0;
  db.connection.getClient().on('commandStarted', () => (commands += 1));
  try {
    const loadStarted = performance.now();
    for (let index = 0; index < MAILS; index += 1) await dovecot.deliver(MAILBOX.user, generatedMail(index));
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    await db.models.Department.create({ key: 'it', name: { en: 'IT' } });
    await db.models.Person.insertMany(Array.from({ length: SENDERS }, (_, index) => ({ name: `Person ${index}`, email: `person${index}@corp.example`, role: 'requester', origin: 'config', active: true })));
    const settings = mailboxSchema.parse({ url: dovecot.imapsUrl, caFile: dovecot.caFile, user: MAILBOX.user, passwordEnv: 'BENCH_MAILBOX', maxNewPerSenderPerHour: 1000 });

    const baseline = await measure(async () => {
      const url = new URL(settings.url);
      const client = new ImapFlow({ host: url.hostname, port: Number(url.port), secure: true, auth: { user: MAILBOX.user, pass: MAILBOX.password }, tls: { ca: [await readFile(dovecot.caFile)] }, logger: false });
      await client.connect();
      const lock = await client.getMailboxLock('INBOX');
      let bytes = 0;
      for await (const message of client.fetch('1:*', { uid: true, source: true })) bytes += message.source?.length ?? 0;
      lock.release();
      await client.logout();
      if (bytes === 0) throw new Error('no mail fetched');
    }, () => commands);

    const deps = mailIntakeDeps({
      models: db.models,
      tickets: createTicketService({ models: db.models, clock: () => new Date(), logger, timezone: 'UTC' }),
      files: createFileStore(db.connection, 10 * 2 ** 20),
      logger,
      clock: () => new Date(),
      i18n: loadI18n(defaultLocalesDir(), 'en'),
      locale: 'en',
      registrationOpen: false,
      mail: null,
    });
    let tickets = 0;
    const drained = await measure(async () => {
      const client = await openImap(settings, MAILBOX.password);
      try {
        tickets = (await drainMailbox(deps, client, { key: 'it:bench', department: 'it', settings })).tickets;
      } finally {
        await client.logout();
      }
    }, () => commands);
    if (tickets !== MAILS) throw new Error(`expected ${MAILS} tickets, made ${tickets}`);

    const markdown = [
      '## Mail in: a mailbox drained to tickets (issue 17)',
      '',
      `${MAILS} plain-text mails of about 300 bytes from ${SENDERS} senders of the directory in a real dovecot (Debian's 2.3, started by the benchmark on 127.0.0.1, delivered by IMAP APPEND in ${fixed(loadSeconds, 1)} s, not measured), read over IMAPS. Measured ${new Date().toISOString().slice(0, 10)}, one run each in one process. Database commands are counted by the driver's command monitoring; RSS is the process's peak, sampled every 20 ms.`,
      '',
      '| step | seconds | mails/s | vs baseline | database commands | per mail | peak RSS MB |',
      '|---|---|---|---|---|---|---|',
      `| baseline: fetching every mail whole (one FETCH of all sources) | ${fixed(baseline.seconds, 2)} | ${Math.round(MAILS / baseline.seconds)} | 1.00× | ${baseline.commands} | 0 | ${Math.round(baseline.rssMb)} |`,
      `| the reader: claim, fetch, parse, open the ticket (journal first), settle, move to done | ${fixed(drained.seconds, 2)} | ${Math.round(MAILS / drained.seconds)} | ${fixed(drained.seconds / baseline.seconds, 1)}× | ${drained.commands} | ${fixed(drained.commands / MAILS, 1)} | ${Math.round(drained.rssMb)} |`,
      '',
      'Each mail costs the reader its own round trips on purpose: the claim before anything is done (an insert), the fetch of that one mail, the ticket (number, insert, journal), the claim settled, then the move, so a reader killed at any point leaves no mail lost or handled twice. The outbox is not running here: in the helpdesk each new ticket also queues its notices.',
      '',
      'Machine:',
      machineDescription(described),
    ].join('\n');
    await writeSection(file, 'mail-in', markdown);
    console.log(markdown);
  } finally {
    await db.connection.dropDatabase();
    await db.close();
    await dovecot.stop();
  }
}
