import ExcelJS from 'exceljs';
import { simpleParser } from 'mailparser';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { parseOrgConfig, type OrgConfig } from '../../src/config/load-org-config.js';
import { syncOrgConfig } from '../../src/config/sync-org-config.js';
import { defaultLocalesDir } from '../../src/i18n/locales-dir.js';
import { loadI18n } from '../../src/i18n/translate.js';
import { createBackgroundJobs, type BackgroundJobs } from '../../src/jobs/background-jobs.js';
import { SCHEDULED_REPORTS_JOB } from '../../src/jobs/scheduled-reports-job.js';
import { ChannelRegistry } from '../../src/notify/channel.js';
import { createEventDelivery } from '../../src/notify/deliver-event.js';
import { createMailer, type Mailer } from '../../src/notify/email/mailer.js';
import { actorFromPerson } from '../../src/people/actor.js';
import { setNotificationPreferences } from '../../src/people/notification-preferences.js';
import { XLSX_TYPE } from '../../src/reports/report-service.js';
import { dueReport } from '../../src/reports/scheduled/report-schedule.js';
import { createScheduledReports, type ScheduledReportsDeps } from '../../src/reports/scheduled/send-scheduled-reports.js';
import { createTicketService } from '../../src/tickets/ticket-service.js';
import { useTestDatabase } from '../support/database.js';
import { RecordingChannel } from '../support/recording-channel.js';
import { startSmtpCapture, type CapturedMail, type SmtpCapture } from '../support/smtp-capture.js';

const db = useTestDatabase('scheduled_reports');
const i18n = loadI18n(defaultLocalesDir(), 'en');
const logLines: string[] = [];
const logger = pino(
  { level: 'debug' },
  new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString('utf8'));
      done();
    },
  }),
);
// The app's clock is set by the tests; Agenda runs `now` jobs at once in real time.
let now = new Date('2026-11-17T10:00:00Z');
const clock = () => now;
const at = (iso: string) => (now = new Date(iso));

const config = {
  timezone: 'UTC',
  locale: 'en',
  departments: [
    { id: 'it', name: { en: 'IT', ru: 'ИТ' }, hours: '24/7' },
    { id: 'hr', name: { en: 'HR', ru: 'Кадры' }, hours: '24/7' },
  ],
  people: [
    { name: 'Max Manager', email: 'max@x.test', role: 'manager', telegram: 501 },
    { name: 'Kira Coordinator', email: 'kira@x.test', role: 'coordinator', departments: ['it'], locale: 'ru' },
    { name: 'Ivan Agent', email: 'ivan@x.test', role: 'agent', departments: ['it'], telegram: 503 },
    { name: 'Rita Requester', email: 'rita@x.test', telegram: 504 },
    { name: 'Mute Manager', email: 'mute@x.test', role: 'manager', telegram: 505 },
    { name: 'Chat Manager', email: 'chat@x.test', role: 'manager', telegram: 506 },
  ],
  reports: { scheduled: { every: 'week', day: 'mon', at: '08:00', grouping: 'department' } },
};

let org: OrgConfig;
let smtp: SmtpCapture;
const mailers: Mailer[] = [];
let channel: RecordingChannel;
let channels: ChannelRegistry;
let jobs: BackgroundJobs;

function newMailer(): Mailer {
  const mailer = createMailer({ url: smtp.url, from: 'Helpdesk <help@x.test>', timeouts: { connectMs: 2000, greetingMs: 2000, socketMs: 5000 } }, logger);
  mailers.push(mailer);
  return mailer;
}

/** What another app instance runs: its own mailer, claims and report service on the same database. */
function instanceDeps(overrides: Partial<ScheduledReportsDeps> = {}): ScheduledReportsDeps {
  return {
    models: db.current.models,
    channels,
    i18n,
    clock,
    logger,
    settings: org.reports.scheduled,
    timezone: org.timezone,
    locale: org.locale,
    mail: { mailer: newMailer(), fromAddress: 'Helpdesk <help@x.test>' },
    ...overrides,
  };
}

/** Runs the Agenda job now and waits for it to finish. */
async function runJob(): Promise<void> {
  let id = '';
  const completed = new Set<string>();
  let wake = () => {};
  const listener = (job: { attrs: { _id?: unknown } }) => {
    // The job may finish before `now()` hands back its id: remember every completion.
    completed.add(String(job.attrs._id));
    wake();
  };
  jobs.scheduler.on(`complete:${SCHEDULED_REPORTS_JOB}`, listener);
  try {
    id = String((await jobs.scheduler.now(SCHEDULED_REPORTS_JOB)).attrs._id);
    await new Promise<void>((resolve) => {
      wake = () => completed.has(id) && resolve();
      wake();
    });
  } finally {
    jobs.scheduler.off(`complete:${SCHEDULED_REPORTS_JOB}`, listener);
  }
}

const mailsTo = (address: string, from = 0): CapturedMail[] => smtp.messages.slice(from).filter((mail) => mail.to.includes(address));
const filesTo = (userId: string, from = 0) => channel.files.slice(from).filter((sent) => sent.userId === userId);

async function workbookOf(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  return workbook;
}

/** The summary's metric value by its label, and the ticket numbers of the Tickets sheet (the last one). */
function readReport(workbook: ExcelJS.Workbook, createdLabel: string) {
  let created: unknown = null;
  workbook.worksheets[0]!.eachRow((row) => {
    if (row.getCell(1).value === createdLabel) created = row.getCell(2).value;
  });
  const tickets = workbook.worksheets.at(-1)!;
  const numbers: unknown[] = [];
  tickets.eachRow((row, index) => {
    if (index > 1) numbers.push(row.getCell(1).value);
  });
  return { created, numbers, sheets: workbook.worksheets.map((sheet) => sheet.name) };
}

async function attachmentOf(mail: CapturedMail) {
  const parsed = await simpleParser(mail.raw);
  expect(parsed.attachments).toHaveLength(1);
  return { parsed, attachment: parsed.attachments[0]! };
}

const itTickets: number[] = [];
const hrTickets: number[] = [];

beforeAll(async () => {
  smtp = await startSmtpCapture();
  org = parseOrgConfig(JSON.stringify(config), 'test');
  await syncOrgConfig(db.current.models, org);
  const { models } = db.current;
  const muted = await models.Person.findOne({ email: 'mute@x.test' }).lean();
  await setNotificationPreferences(models, muted!._id, { muted: true });
  const chatOnly = await models.Person.findOne({ email: 'chat@x.test' }).lean();
  await setNotificationPreferences(models, chatOnly!._id, { channels: ['telegram'] });

  // Last week (Mon 16 – Sun 22 November): three IT tickets, two HR ones; one IT ticket after it.
  const tickets = createTicketService({ models, clock, logger, timezone: 'UTC' });
  const requester = actorFromPerson((await models.Person.findOne({ email: 'rita@x.test' }).lean())!);
  const agent = actorFromPerson((await models.Person.findOne({ email: 'ivan@x.test' }).lean())!);
  for (const [day, department] of [['17', 'it'], ['18', 'hr'], ['19', 'it'], ['20', 'hr'], ['21', 'it']] as const) {
    at(`2026-11-${day}T10:00:00Z`);
    const ticket = await tickets.open(requester, { description: `Problem on the ${day}th`, department, source: 'telegram' }, 'telegram');
    (department === 'it' ? itTickets : hrTickets).push(ticket.number);
  }
  at('2026-11-19T12:00:00Z');
  await tickets.take(agent, itTickets[0]!, 'telegram');
  at('2026-11-23T07:00:00Z');
  await tickets.open(requester, { description: 'This week already', department: 'it', source: 'telegram' }, 'telegram');

  channel = new RecordingChannel();
  channels = new ChannelRegistry();
  channels.register(channel);
  const delivery = createEventDelivery({ models, channels, logger, locale: 'en', clock });
  // The app starts on Monday before the report's time.
  at('2026-11-23T07:30:00Z');
  jobs = createBackgroundJobs({
    db: db.current,
    delivery,
    logger,
    clock,
    processEveryMs: 100,
    tickets,
    channels,
    locale: 'en',
    reports: { scheduled: org.reports.scheduled, timezone: org.timezone, i18n, mail: { mailer: newMailer(), fromAddress: 'Helpdesk <help@x.test>' } },
  });
  await jobs.start();
});

afterAll(async () => {
  await jobs?.stop();
  for (const mailer of mailers) mailer.close();
  await smtp?.close();
});

describe('scheduled reports', { timeout: 300_000 }, () => {
  it('sends nothing before the time, nor an older report on the first start', async () => {
    await runJob();
    expect(smtp.messages).toHaveLength(0);
    expect(channel.files).toHaveLength(0);
  });

  it('sends last week\'s workbook after the time: by e-mail and chat, each with their access and language', async () => {
    at('2026-11-23T08:05:00Z');
    await runJob();
    // Max (manager) and Kira (coordinator) by e-mail; Max and the chat-only manager in Telegram.
    expect(smtp.messages.map((mail) => mail.to).flat().sort()).toEqual(['kira@x.test', 'max@x.test']);
    expect(channel.files.map((sent) => sent.userId).sort()).toEqual(['501', '506']);

    const { parsed, attachment } = await attachmentOf(mailsTo('max@x.test')[0]!);
    expect(parsed.subject).toBe('Tickets report 2026-11-16 – 2026-11-22');
    expect(parsed.text).toContain('Here is last week\'s tickets report.');
    expect(parsed.text).toContain('Tickets report 2026-11-16 – 2026-11-22, by Department: 5 tickets.');
    expect(parsed.headers.get('auto-submitted')).toBe('auto-generated');
    expect(attachment.filename).toBe('tickets-2026-11-16-2026-11-22-by-department.xlsx');
    expect(attachment.contentType).toBe(XLSX_TYPE);
    const managerReport = readReport(await workbookOf(attachment.content), 'Created');
    expect(managerReport.sheets).toEqual(['Summary', 'By department', 'Load', 'Chart', 'Tickets']);
    expect(managerReport.created).toBe(5);
    expect(managerReport.numbers).toEqual([...itTickets, ...hrTickets].sort((a, b) => a - b));

    // The same workbook in chat, with a caption; both managers share one build.
    const [maxFile] = filesTo('501');
    const [chatFile] = filesTo('506');
    expect(maxFile!.file.fileName).toBe('tickets-2026-11-16-2026-11-22-by-department.xlsx');
    expect(maxFile!.file.caption).toBe('Here is last week\'s tickets report.\nTickets report 2026-11-16 – 2026-11-22, by Department: 5 tickets.');
    expect(maxFile!.file.content).toEqual(chatFile!.file.content);
    expect(readReport(await workbookOf(maxFile!.bytes), 'Created').created).toBe(5);

    // The coordinator: her department only, in her language.
    const kira = await attachmentOf(mailsTo('kira@x.test')[0]!);
    expect(kira.parsed.subject).toBe('Отчёт по заявкам 2026-11-16 – 2026-11-22');
    const coordinatorReport = readReport(await workbookOf(kira.attachment.content), 'Создано');
    expect(coordinatorReport.sheets[0]).toBe('Сводка');
    expect(coordinatorReport.created).toBe(3);
    expect(coordinatorReport.numbers).toEqual(itTickets);

    // Agents, requesters and muted people get nothing; the chat-only manager no mail.
    for (const address of ['ivan@x.test', 'rita@x.test', 'mute@x.test', 'chat@x.test']) expect(mailsTo(address)).toHaveLength(0);
    for (const userId of ['503', '504', '505']) expect(filesTo(userId)).toHaveLength(0);

    const log = logLines.join('');
    expect(log).toContain('scheduled report sent');
    expect(logLines.some((line) => line.includes('scheduled report skipped') && line.includes('"reason":"muted"'))).toBe(true);
    expect(log).not.toContain(smtp.password);
  });

  it('sends nothing twice: another run, and runs of other instances', async () => {
    at('2026-11-23T08:15:00Z');
    await Promise.all([runJob(), createScheduledReports(instanceDeps()).run()]);
    at('2026-11-24T12:00:00Z');
    await runJob();
    expect(smtp.messages).toHaveLength(2);
    expect(channel.files).toHaveLength(2);
  });

  it('of instances racing for a fresh sending, exactly one sends each', async () => {
    at('2026-11-30T08:01:00Z');
    const mails = smtp.messages.length;
    const files = channel.files.length;
    await Promise.all([createScheduledReports(instanceDeps()).run(), createScheduledReports(instanceDeps()).run(), runJob()]);
    // Anything a racer found busy is sent by the next run, never twice.
    await runJob();
    expect(smtp.messages.slice(mails).map((mail) => mail.to).flat().sort()).toEqual(['kira@x.test', 'max@x.test']);
    expect(channel.files.slice(files).map((sent) => sent.userId).sort()).toEqual(['501', '506']);
    expect((await simpleParser(mailsTo('max@x.test', mails)[0]!.raw)).subject).toBe('Tickets report 2026-11-23 – 2026-11-29');
  });

  it('retries a mail the server deferred (451) on the next run, without repeating the chat file; a blocked bot is not tried again', async () => {
    at('2026-12-07T08:05:00Z');
    const mails = smtp.messages.length;
    const files = channel.files.length;
    smtp.refuseWith(451);
    channel.blocked.add('506');
    await runJob();
    expect(smtp.messages).toHaveLength(mails);
    expect(filesTo('501', files)).toHaveLength(1);
    expect(filesTo('506', files)).toHaveLength(0);
    const callsAfterBlock = channel.calls;

    smtp.refuseWith(null);
    at('2026-12-07T08:15:00Z');
    await runJob();
    expect(smtp.messages.slice(mails).map((mail) => mail.to).flat().sort()).toEqual(['kira@x.test', 'max@x.test']);
    expect(filesTo('501', files)).toHaveLength(1);
    // The blocked user was not asked again.
    expect(channel.calls).toBe(callsAfterBlock);
    expect(logLines.some((line) => line.includes('refused for good') && line.includes('"target":"telegram:506"'))).toBe(true);
    channel.blocked.delete('506');
  });

  it('makes up a report missed while the app was down once, and never one older than a period', async () => {
    // Down over Monday 14 December at 08:00: the next start, on Tuesday, sends it.
    at('2026-12-15T10:00:00Z');
    const mails = smtp.messages.length;
    await runJob();
    await runJob();
    expect(mailsTo('max@x.test', mails)).toHaveLength(1);
    expect((await simpleParser(mailsTo('max@x.test', mails)[0]!.raw)).subject).toBe('Tickets report 2026-12-07 – 2026-12-13');
    // Down from Sunday 20 to Tuesday 29 December: only the latest week goes, not the one of the 21st.
    at('2026-12-29T09:00:00Z');
    const later = smtp.messages.length;
    await runJob();
    const subjects = await Promise.all(mailsTo('max@x.test', later).map(async (mail) => (await simpleParser(mail.raw)).subject));
    expect(subjects).toEqual(['Tickets report 2026-12-21 – 2026-12-27']);
  });

  it('waits longer after each failed build instead of rebuilding every pass, then sends', async () => {
    // Runners of this test alone, with their own clock and log: a pass of the background job
    // still running from an earlier test reads the shared clock, which stays where it was.
    let mine = new Date('2027-01-11T08:05:00Z');
    const lines: string[] = [];
    const ownLogger = pino(
      { level: 'debug' },
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString('utf8'));
          done();
        },
      }),
    );
    const runner = () => createScheduledReports(instanceDeps({ clock: () => mine, logger: ownLogger }));
    const mails = smtp.messages.length;
    const failures = () => lines.filter((line) => line.includes('could not be built')).length;
    const tmp = process.env.TMPDIR;
    // No temporary directory can be made: every build fails, as on a full disk.
    process.env.TMPDIR = '/nonexistent/helpdesk-tmp';
    try {
      const first = await runner().run();
      expect(first.failed).toBeGreaterThan(0);
      expect(first.sent).toBe(0);
      const builds = failures();
      expect(builds).toBeGreaterThan(0);
      // Five minutes on, within the first wait of ten: nothing is built again.
      mine = new Date('2027-01-11T08:10:00Z');
      expect((await runner().run()).failed).toBe(first.failed);
      expect(failures()).toBe(builds);
      // After the wait, tried again; failing again doubles the wait (20 minutes).
      mine = new Date('2027-01-11T08:16:00Z');
      await runner().run();
      expect(failures()).toBe(2 * builds);
      mine = new Date('2027-01-11T08:30:00Z');
      await runner().run();
      expect(failures()).toBe(2 * builds);
      expect(lines.some((line) => line.includes('could not be built') && line.includes('"attempts":2') && line.includes('"retryInMinutes":20'))).toBe(true);
    } finally {
      if (tmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = tmp;
    }
    expect(smtp.messages).toHaveLength(mails);
    mine = new Date('2027-01-11T08:37:00Z');
    const done = await runner().run();
    expect(done.failed).toBe(0);
    expect(mailsTo('max@x.test', mails)).toHaveLength(1);
  });

  it('sends nothing when scheduled reports are off', async () => {
    at('2027-01-04T08:30:00Z');
    const mails = smtp.messages.length;
    const files = channel.files.length;
    const summary = await createScheduledReports(instanceDeps({ settings: null })).run();
    expect(summary).toMatchObject({ report: 'off', sent: 0 });
    expect(smtp.messages).toHaveLength(mails);
    expect(channel.files).toHaveLength(files);
  });
});

describe('when the scheduled report is due', () => {
  const weekly = { every: 'week', day: 'mon', at: '08:00', grouping: 'department' } as const;

  it('reads the time in the org zone and sends the week before', () => {
    const due = dueReport(weekly, 'Europe/Moscow', new Date('2026-11-23T05:01:00Z'));
    expect(due).toMatchObject({ plannedAt: new Date('2026-11-23T05:00:00Z'), key: 'last-week:2026-11-16' });
    expect(due!.period).toMatchObject({ firstDay: '2026-11-16', lastDay: '2026-11-22', from: new Date('2026-11-15T21:00:00Z') });
    expect(dueReport(weekly, 'Europe/Moscow', new Date('2026-11-23T04:59:00Z'))!.key).toBe('last-week:2026-11-09');
  });

  it('sends last month on the 1st', () => {
    const due = dueReport({ ...weekly, every: 'month' }, 'UTC', new Date('2026-12-01T08:05:00Z'));
    expect(due).toMatchObject({ plannedAt: new Date('2026-12-01T08:00:00Z'), key: 'last-month:2026-11-01' });
    expect(due!.period.lastDay).toBe('2026-11-30');
    expect(dueReport({ ...weekly, every: 'month' }, 'UTC', new Date('2026-12-01T07:55:00Z'))!.key).toBe('last-month:2026-10-01');
    expect(dueReport(null, 'UTC', new Date())).toBeNull();
  });
});

describe('the reports setting of the org config', () => {
  const base = 'timezone: UTC\ndepartments: [{ id: it, name: { en: IT } }]\n';
  const problems = (text: string): string[] => {
    try {
      parseOrgConfig(base + text, 'test.yaml');
    } catch (error) {
      if (error instanceof ConfigError) return error.issues.map((issue) => `${issue.path}: ${issue.message.replace(/ \(line \d+, column \d+\)$/, '')}`);
      throw error;
    }
    return [];
  };

  it('defaults to Monday 08:00 by department, and null turns it off', () => {
    expect(parseOrgConfig(base, 'test').reports).toEqual({ scheduled: { every: 'week', day: 'mon', at: '08:00', grouping: 'department' } });
    expect(parseOrgConfig(`${base}reports: { scheduled: null }`, 'test').reports).toEqual({ scheduled: null });
    expect(parseOrgConfig(`${base}reports: { scheduled: { every: month, at: "07:30", grouping: agent } }`, 'test').reports.scheduled).toMatchObject({ every: 'month', at: '07:30', grouping: 'agent' });
  });

  it.each([
    ['reports: { scheduled: { at: "8am" } }', 'reports.scheduled.at: expected a local time like 09:00'],
    ['reports: { scheduled: { at: "24:00" } }', 'reports.scheduled.at: expected a local time like 09:00'],
    ['reports: { scheduled: { day: monday } }', 'reports.scheduled.day: expected a weekday: mon, tue, wed, thu, fri, sat, sun'],
    ['reports: { scheduled: { grouping: boss } }', 'reports.scheduled.grouping: expected one of department, agent, category, company, unit, requester'],
    ['reports: { scheduled: { every: day } }', 'reports.scheduled.every: expected week or month'],
    ['reports: { scheduled: { every: month, day: fri } }', 'reports.scheduled.day: a monthly report goes out on the 1st: day is only for every: week'],
    ['reports: { scheduled: { when: x } }', 'reports.scheduled: unknown field(s): when'],
  ])('%#: reports %s', (text, expected) => {
    expect(problems(text)).toEqual([expected]);
  });
});
