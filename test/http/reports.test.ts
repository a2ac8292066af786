import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Types } from 'mongoose';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFileStore } from '../../src/db/files.js';
import type { Ticket, TicketStatus } from '../../src/db/models/ticket.js';
import { buildHttpApp } from '../../src/http/build-app.js';
import { contentDisposition } from '../../src/http/content-disposition.js';
import { defaultLocalesDir } from '../../src/i18n/locales-dir.js';
import { loadI18n } from '../../src/i18n/translate.js';
import { createReportService, XLSX_TYPE, type ReportService } from '../../src/reports/report-service.js';
import { createTicketService } from '../../src/tickets/ticket-service.js';
import { useTestDatabase } from '../support/database.js';
import { seedOrg, type Org } from '../support/fixtures.js';
import { ticketDocument } from '../support/ticket-document.js';

// The core makes its temporary directories under os.tmpdir(), which reads TMPDIR on each call:
// a directory of this file's own keeps the count free of other test files running alongside.
const sharedTmp = tmpdir();
const ownTmp = mkdtempSync(join(sharedTmp, 'reports-api-test-'));
process.env.TMPDIR = ownTmp;
const reportDirs = () => readdirSync(tmpdir()).filter((name) => name.startsWith('helpdesk-report-'));

const ZONE = 'Europe/Moscow';
const WEEK = 'from=2026-11-02&to=2026-11-08';
const db = useTestDatabase('http_reports');
let org: Org;
let app: FastifyInstance;
/** Paths of every workbook the service built, and a gate that holds one back once built. */
const built: string[] = [];
let gate: Promise<void> | null = null;
/** The signal each build was given: the route ends a build whose client left. */
const signals: (AbortSignal | undefined)[] = [];
/** Holds the next build back before it begins (taken by that build alone). */
let startGate: Promise<void> | null = null;

/** Noon in Moscow (09:00 UTC) of a November day. */
const noon = (day: string) => new Date(`${day}T09:00:00Z`);

/** A ticket document as openTicket writes it, then moved on by the service to `status`. */
function ticketDoc(number: number, department: string, status: TicketStatus, created: string, resolved?: string): Ticket {
  const createdAt = noon(created);
  const resolvedAt = resolved ? noon(resolved) : null;
  const answered = status !== 'new';
  return ticketDocument(
    {
      number,
      title: `Ticket ${number} of ${department}`,
      description: 'Something is broken',
      requesterId: new Types.ObjectId(org.requester.id),
      requester: { name: org.requester.name, email: org.requester.email, phone: null, company: 'Acme', unit: 'Ops' },
      department,
      status,
      assigneeId: answered ? new Types.ObjectId(department === 'it' ? org.itAgent.id : org.hrAgent.id) : null,
      assigneeName: answered ? (department === 'it' ? org.itAgent.name : org.hrAgent.name) : null,
      source: 'api',
      sla: { firstResponseDue: new Date(createdAt.getTime() + 4 * 3600_000), resolutionDue: new Date(createdAt.getTime() + 48 * 3600_000) },
      metrics: {
        firstResponseAt: answered ? new Date(createdAt.getTime() + 3600_000) : null,
        firstResponseSeconds: answered ? 3600 : null,
        firstResponseBusinessSeconds: answered ? 3600 : null,
        resolvedAt,
        resolutionSeconds: resolvedAt ? (resolvedAt.getTime() - createdAt.getTime()) / 1000 : null,
        resolutionBusinessSeconds: resolvedAt ? 9 * 3600 : null,
      },
      createdAt,
      updatedAt: resolvedAt ?? createdAt,
      closedAt: status === 'closed' && resolvedAt ? resolvedAt : null,
    },
    ZONE,
  );
}

beforeAll(async () => {
  org = await seedOrg(db.current.models);
  await db.current.models.Ticket.collection.insertMany([
    // The week of 2026-11-02: five tickets of it, three of hr.
    ticketDoc(1, 'it', 'closed', '2026-11-02', '2026-11-03'),
    ticketDoc(2, 'it', 'in_progress', '2026-11-03'),
    ticketDoc(3, 'it', 'new', '2026-11-04'),
    ticketDoc(4, 'it', 'resolved', '2026-11-05', '2026-11-06'),
    ticketDoc(5, 'it', 'waiting', '2026-11-06'),
    ticketDoc(6, 'hr', 'new', '2026-11-02'),
    ticketDoc(7, 'hr', 'resolved', '2026-11-04', '2026-11-05'),
    ticketDoc(8, 'hr', 'closed', '2026-11-07', '2026-11-07'),
    // Before the week and done before it; after the week: in no report of the week.
    ticketDoc(9, 'it', 'closed', '2026-10-01', '2026-10-02'),
    ticketDoc(10, 'hr', 'new', '2026-11-20'),
  ]);
  const clock = () => new Date();
  const logger = pino({ level: 'silent' });
  const i18n = loadI18n(defaultLocalesDir(), 'en');
  const service = createReportService({ models: db.current.models, i18n, clock, timezone: ZONE });
  const reports: ReportService = {
    ...service,
    async workbook(actor, request) {
      signals.push(request.signal);
      const held = startGate;
      startGate = null;
      if (held) await held;
      const file = await service.workbook(actor, request);
      built.push(file.path);
      if (gate) await gate;
      return file;
    },
  };
  app = await buildHttpApp({
    db: db.current,
    tickets: createTicketService({ models: db.current.models, clock, logger, timezone: ZONE }),
    files: createFileStore(db.current.connection, 64 * 1024),
    i18n,
    logger,
    clock,
    reports,
  });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  process.env.TMPDIR = sharedTmp;
  rmSync(ownTmp, { recursive: true, force: true });
});

function call(token: string | null, url: string, headers: Record<string, string> = {}) {
  return app.inject({ method: 'GET', url, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } });
}

async function workbookOf(payload: Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(payload as unknown as ExcelJS.Buffer);
  return workbook;
}

function summaryValue(workbook: ExcelJS.Workbook, label: string): unknown {
  let value: unknown;
  workbook.getWorksheet('Summary')?.eachRow((row) => {
    if (row.getCell(1).value === label) value = row.getCell(2).value;
  });
  return value;
}

function ticketNumbers(workbook: ExcelJS.Workbook): number[] {
  const sheet = workbook.getWorksheet('Tickets')!;
  const numbers: number[] = [];
  sheet.eachRow((row, index) => {
    if (index > 1) numbers.push(row.getCell(1).value as number);
  });
  return numbers;
}

async function until(done: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !done(); waited += 20) {
    if (waited > 10_000) throw new Error(`timed out waiting for ${what}`);
    await delay(20);
  }
}

describe('REST API: reports', { timeout: 60_000 }, () => {
  it('gives a manager the workbook of every department, as an attachment streamed with its length', async () => {
    const before = reportDirs();
    const response = await call(org.manager.token, `/api/v1/reports/tickets.xlsx?${WEEK}`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe(XLSX_TYPE);
    expect(response.headers['content-disposition']).toBe(
      `attachment; filename="tickets-2026-11-02-2026-11-08-by-department.xlsx"; filename*=UTF-8''tickets-2026-11-02-2026-11-08-by-department.xlsx`,
    );
    expect(Number(response.headers['content-length'])).toBe(response.rawPayload.length);
    expect(response.headers['cache-control']).toBe('private, no-store');

    const workbook = await workbookOf(response.rawPayload);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['Summary', 'By department', 'Load', 'Chart', 'Tickets']);
    expect(summaryValue(workbook, 'Created')).toBe(8);
    expect(summaryValue(workbook, 'Resolved')).toBe(4);
    expect(workbook.getWorksheet('Tickets')!.actualRowCount).toBe(9);
    expect(ticketNumbers(workbook)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);

    await until(() => !existsSync(dirname(built.at(-1)!)), 'the temporary file to go');
    expect(reportDirs()).toEqual(before);
  });

  it('groups by what `by` names and writes in the language of Accept-Language', async () => {
    const response = await call(org.manager.token, `/api/v1/reports/tickets.xlsx?${WEEK}&by=agent`, { 'accept-language': 'ru' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-disposition']).toContain('2026-11-02-2026-11-08-agent.xlsx');
    const workbook = await workbookOf(response.rawPayload);
    expect(workbook.worksheets).toHaveLength(5);
    expect(workbook.worksheets[0]!.name).not.toBe('Summary');
  });

  it('gives a coordinator only their department', async () => {
    const response = await call(org.itCoordinator.token, `/api/v1/reports/tickets.xlsx?${WEEK}`);
    expect(response.statusCode).toBe(200);
    const workbook = await workbookOf(response.rawPayload);
    expect(summaryValue(workbook, 'Created')).toBe(5);
    expect(workbook.getWorksheet('Tickets')!.actualRowCount).toBe(6);
    expect(ticketNumbers(workbook)).toEqual([1, 2, 3, 4, 5]);
  });

  it('takes a named period, and this week when no period is given', async () => {
    for (const query of ['period=last-month', '']) {
      const response = await call(org.manager.token, `/api/v1/reports/tickets.xlsx?${query}`);
      expect(response.statusCode, query).toBe(200);
      expect(response.headers['content-type']).toBe(XLSX_TYPE);
    }
  });

  it('refuses agents and requesters with 403 REPORTS_FORBIDDEN, translated; anonymous callers with 401', async () => {
    for (const token of [org.itAgent.token, org.requester.token]) {
      const response = await call(token, `/api/v1/reports/tickets.xlsx?${WEEK}`);
      expect(response.statusCode).toBe(403);
      expect(response.json().error).toEqual({ code: 'REPORTS_FORBIDDEN', message: 'Reports are for managers and coordinators. Ask your coordinator if you need one.' });
    }
    const ru = await call(org.itAgent.token, `/api/v1/reports/tickets.xlsx?${WEEK}`, { 'accept-language': 'ru-RU,ru;q=0.9' });
    expect(ru.json().error.message).toBe('Отчёты доступны руководителям и координаторам. Если отчёт нужен, обратитесь к координатору.');
    const anonymous = await call(null, `/api/v1/reports/tickets.xlsx?${WEEK}`);
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().error.code).toBe('UNAUTHENTICATED');
    expect((await call(null, '/api/v1/reports/stats.png')).statusCode).toBe(401);
  });

  it('refuses before reading the query: an agent with a bad one still gets 403', async () => {
    for (const path of ['tickets.xlsx', 'stats.png', 'stats']) {
      const response = await call(org.itAgent.token, `/api/v1/reports/${path}?from=yesterday&by=weather`);
      expect(response.statusCode, path).toBe(403);
      expect(response.json().error.code, path).toBe('REPORTS_FORBIDDEN');
    }
  });

  it('answers 400 VALIDATION_FAILED naming the field, in the caller language', async () => {
    const cases: [query: string, path: string, message: string][] = [
      ['from=2026-11-31&to=2026-12-01', 'query.from', '“2026-11-31” is not a date: write YYYY-MM-DD.'],
      ['from=2026-11-01&to=tomorrow', 'query.to', '“tomorrow” is not a date: write YYYY-MM-DD.'],
      ['from=2026-11-01', 'query.to', 'Give both from and to, or neither.'],
      ['to=2026-11-01', 'query.from', 'Give both from and to, or neither.'],
      ['from=2026-11-08&to=2026-11-02', 'query.to', 'The last day 2026-11-02 comes before the first day 2026-11-08.'],
      ['from=2025-01-01&to=2026-01-02', 'query.to', 'From 2025-01-01 to 2026-01-02 is longer than 366 days: ask for a shorter period.'],
      ['period=fortnight', 'query.period', '“fortnight” is not a period: use one of today, week, last-week, month, last-month.'],
      [`period=week&${WEEK}`, 'query.period', 'Give either from and to, or period, not both.'],
      [`${WEEK}&by=weather`, 'query.by', '“weather” is not a grouping: use one of department, agent, category, company, unit, requester.'],
    ];
    for (const [query, path, message] of cases) {
      const response = await call(org.manager.token, `/api/v1/reports/tickets.xlsx?${query}`);
      expect(response.statusCode, query).toBe(400);
      expect(response.json().error, query).toEqual({ code: 'VALIDATION_FAILED', message: 'The request is not valid.', fields: [{ path, message }] });
    }
    const ru = await call(org.manager.token, `/api/v1/reports/tickets.xlsx?${WEEK}&by=weather`, { 'accept-language': 'ru' });
    expect(ru.json().error.fields).toEqual([{ path: 'query.by', message: '«weather» — не группировка: выберите одну из department, agent, category, company, unit, requester.' }]);
    const leap = await call(org.manager.token, '/api/v1/reports/tickets.xlsx?from=2024-01-01&to=2024-12-31');
    expect(leap.statusCode, '366 days is the limit, not past it').toBe(200);
    for (const query of ['colour=red', 'by=agent&by=unit']) {
      const response = await call(org.manager.token, `/api/v1/reports/tickets.xlsx?${WEEK}&${query}`);
      expect(response.statusCode, query).toBe(400);
      expect(response.json().error.fields[0].path).toMatch(/^query\./);
    }
    expect((await call(org.manager.token, `/api/v1/reports/stats.png?${WEEK}&by=agent`)).statusCode).toBe(400);
  });

  it('draws the stats chart as a PNG for a manager; 403 for an agent', async () => {
    const response = await call(org.manager.token, `/api/v1/reports/stats.png?${WEEK}`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('image/png');
    expect(response.rawPayload.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(response.headers['content-disposition']).toBe(`inline; filename="stats-2026-11-02-2026-11-08.png"; filename*=UTF-8''stats-2026-11-02-2026-11-08.png`);
    expect((await call(org.itCoordinator.token, '/api/v1/reports/stats.png?period=week')).statusCode).toBe(200);
    const refused = await call(org.itAgent.token, `/api/v1/reports/stats.png?${WEEK}`);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('REPORTS_FORBIDDEN');
  });

  it("gives the figures as JSON, within the caller's departments", async () => {
    const response = await call(org.manager.token, `/api/v1/reports/stats?${WEEK}`);
    expect(response.statusCode).toBe(200);
    const figures = response.json();
    expect(figures.period).toEqual({ from: '2026-11-02', to: '2026-11-08', timezone: expect.any(String) });
    expect(figures.summary.created).toBe(8);
    expect(figures.days).toHaveLength(7);
    expect(figures.days.reduce((sum: number, day: { created: number }) => sum + day.created, 0)).toBe(8);
    expect(figures.load).toHaveLength(168);
    expect(figures.load.reduce((sum: number, count: number) => sum + count, 0)).toBe(8);
    const coordinator = (await call(org.itCoordinator.token, `/api/v1/reports/stats?${WEEK}`)).json();
    expect(coordinator.summary.created).toBe(5);
    expect((await call(org.itAgent.token, `/api/v1/reports/stats?${WEEK}`)).statusCode).toBe(403);
  });

  it('describes both routes in the OpenAPI document', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
    const xlsx = doc.paths['/api/v1/reports/tickets.xlsx'].get;
    expect(xlsx.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['by', 'from', 'period', 'to']);
    expect(xlsx.responses['200'].content).toHaveProperty(XLSX_TYPE);
    expect(xlsx.description).toContain('this week');
    expect(doc.paths['/api/v1/reports/stats.png'].get.responses['200'].content).toHaveProperty('image/png');
  });

  it('keeps an ASCII filename and puts the real name in filename*', () => {
    expect(contentDisposition('заявки 2026 (ИТ).xlsx')).toBe(
      `attachment; filename="______ 2026 (__).xlsx"; filename*=UTF-8''%D0%B7%D0%B0%D1%8F%D0%B2%D0%BA%D0%B8%202026%20%28%D0%98%D0%A2%29.xlsx`,
    );
    expect(contentDisposition('a"b\\c.xlsx')).toBe(`attachment; filename="a_b_c.xlsx"; filename*=UTF-8''a%22b%5Cc.xlsx`);
  });

  describe('over a real connection', () => {
    let port = 0;
    beforeAll(async () => {
      await app.listen({ port: 0, host: '127.0.0.1' });
      port = (app.server.address() as AddressInfo).port;
    });

    /** Starts a download and calls `onResponse` with the request once the headers arrive. */
    function download(onResponse: (abort: () => void) => void = () => undefined) {
      const request = httpGet({ host: '127.0.0.1', port, path: `/api/v1/reports/tickets.xlsx?${WEEK}`, headers: { authorization: `Bearer ${org.manager.token}` } });
      request.on('error', () => undefined);
      request.on('response', (response) => {
        response.on('error', () => undefined);
        onResponse(() => request.destroy());
      });
      return request;
    }

    it('removes the temporary file when the client gives up while it is being sent', async () => {
      const before = reportDirs();
      const count = built.length;
      download((abort) => abort());
      await until(() => built.length > count, 'the workbook');
      await until(() => !existsSync(dirname(built.at(-1)!)), 'the temporary file to go');
      expect(reportDirs()).toEqual(before);
    });

    it('removes the temporary file when the client left before the workbook was ready', async () => {
      const before = reportDirs();
      const count = built.length;
      let release = () => undefined as void;
      gate = new Promise((resolve) => (release = resolve));
      let answered = false;
      const request = download(() => (answered = true));
      await until(() => built.length > count, 'the workbook');
      request.destroy();
      // Let the server see the connection close while the handler still holds the file.
      await delay(200);
      expect(existsSync(built.at(-1)!)).toBe(true);
      gate = null;
      release();
      await until(() => !existsSync(dirname(built.at(-1)!)), 'the temporary file to go');
      expect(reportDirs()).toEqual(before);
      expect(answered).toBe(false);
    });

    it('ends the build of a client that left, and builds one workbook per person at a time', async () => {
      const before = reportDirs();
      const started = signals.length;
      let release = () => undefined as void;
      startGate = new Promise((resolve) => (release = resolve));
      const request = download();
      await until(() => signals.length > started, 'the build to be asked for');
      const signal = signals[started]!;
      expect(signal.aborted).toBe(false);

      const busy = await call(org.manager.token, `/api/v1/reports/tickets.xlsx?${WEEK}`);
      expect(busy.statusCode).toBe(429);
      expect(busy.json().error).toEqual({ code: 'REPORT_BUSY', message: 'A report of yours is still being built. Ask for the next one when it is done.' });
      // Another person is not held up.
      expect((await call(org.itCoordinator.token, `/api/v1/reports/tickets.xlsx?${WEEK}`)).statusCode).toBe(200);

      request.destroy();
      await until(() => signal.aborted, 'the build to be told the client left');
      const builtBefore = built.length;
      release();
      // The build ends at its first step: no file is made, and the person may ask again.
      await until(() => reportDirs().length === before.length, 'the build to end');
      let next = await call(org.manager.token, `/api/v1/reports/tickets.xlsx?${WEEK}`);
      for (let tries = 0; next.statusCode === 429 && tries < 50; tries += 1) {
        await delay(20);
        next = await call(org.manager.token, `/api/v1/reports/tickets.xlsx?${WEEK}`);
      }
      expect(next.statusCode).toBe(200);
      expect(built.length).toBe(builtBefore + 1);
      await until(() => reportDirs().length === before.length, 'the last file to go');
      expect(reportDirs()).toEqual(before);
    });
  });
});
