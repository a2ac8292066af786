import ExcelJS from 'exceljs';
import { Types } from 'mongoose';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultLocalesDir } from '../../src/i18n/locales-dir.js';
import { loadI18n } from '../../src/i18n/translate.js';
import type { Actor } from '../../src/people/actor.js';
import { createReportService } from '../../src/reports/report-service.js';
import { writeReportWorkbook } from '../../src/reports/write-report-workbook.js';
import { useTestDatabase } from '../support/database.js';
import { REPORT_NOW, REPORT_ZONE, seedReportDataset } from '../support/report-dataset.js';

const db = useTestDatabase('report_workbook');
const i18n = loadI18n(defaultLocalesDir());
const manager: Actor = { id: new Types.ObjectId(), name: 'Max Manager', role: 'manager', departments: [] };
const itCoordinator: Actor = { id: new Types.ObjectId(), name: 'Kira Coordinator', role: 'coordinator', departments: ['it'] };
const agent: Actor = { id: new Types.ObjectId(), name: 'Ivan Agent', role: 'agent', departments: ['it'] };

let service: ReturnType<typeof createReportService>;

function periodOf(text: string) {
  const parsed = service.parseReport(text);
  if (parsed.kind !== 'report') throw new Error(`not a report: ${JSON.stringify(parsed)}`);
  return parsed;
}

/** Builds the workbook and reads it back from the file, as a reader's Excel would. */
async function build(actor: Actor, text: string, locale = 'en') {
  const { period, grouping } = periodOf(text);
  const progress: number[] = [];
  const file = await service.workbook(actor, { period, grouping, locale, onProgress: (percent) => progress.push(percent) });
  try {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file.path);
    return { workbook, file, progress };
  } finally {
    await file.dispose();
  }
}

/** The two-column metric table of the summary sheet, label -> value. */
function summaryOf(sheet: ExcelJS.Worksheet): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  sheet.eachRow((row, number) => {
    if (number > 6) values[row.getCell(1).text] = row.getCell(2).value;
  });
  return values;
}

function rowValues(sheet: ExcelJS.Worksheet, number: number): unknown[] {
  return (sheet.getRow(number).values as unknown[]).slice(1);
}

beforeAll(async () => {
  await seedReportDataset(db.current.models);
  service = createReportService({ models: db.current.models, i18n, clock: () => REPORT_NOW, timezone: REPORT_ZONE });
});

describe('the report workbook of a known month', () => {
  it('has the sheets in reading order, the summary first', async () => {
    const { workbook, file, progress } = await build(manager, '2026-11-01..2026-11-30 department');
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['Summary', 'By department', 'Load', 'Chart', 'Tickets']);
    expect(file.fileName).toBe('tickets-2026-11-01-2026-11-30-by-department.xlsx');
    expect(file.caption).toBe('Tickets report 2026-11-01 – 2026-11-30, by Department: 9 tickets.');
    expect(progress[0]).toBe(0);
    expect(progress.at(-1)).toBe(100);
    expect(existsSync(file.path)).toBe(false);
  });

  it('summarizes exactly: volumes, SLA, business-hour times, reopens and ratings', async () => {
    const { workbook } = await build(manager, '2026-11-01..2026-11-30 department');
    const summary = workbook.getWorksheet('Summary')!;
    expect(summary.getCell('A1').value).toBe('Tickets report');
    expect(summary.getCell('A2').value).toBe('Period: 2026-11-01 – 2026-11-30 (Europe/Berlin)');
    expect(summary.getCell('A3').value).toBe('Departments: all');
    expect(rowValues(summary, 6)).toEqual(['Metric', 'Value']);
    expect(summaryOf(summary)).toEqual({
      Created: 7,
      Resolved: 5,
      Closed: 2,
      'Open at period end': 4,
      'Overdue at period end': 3,
      'First response SLA met': 0.6667,
      'Resolution SLA met': 0.5,
      'First response, median (business h)': 0.5,
      'First response, mean (business h)': 1.65,
      'Resolution, median (business h)': 6,
      'Resolution, mean (business h)': 9.1,
      'Reopen rate': 0.5,
      'Average rating': 3.5,
      Ratings: 4,
    });
    expect(summary.getCell('B12').numFmt).toBe('0.0%');
    expect(summary.getCell('B14').numFmt).toBe('0.00');
  });

  it('has one row per department with the same metrics and a totals row', async () => {
    const { workbook } = await build(manager, '2026-11-01..2026-11-30 department');
    const sheet = workbook.getWorksheet('By department')!;
    expect(rowValues(sheet, 1)).toEqual([
      'Department',
      'Created',
      'Resolved',
      'Closed',
      'Open at period end',
      'Overdue at period end',
      'First response SLA met',
      'Resolution SLA met',
      'First response, median (business h)',
      'First response, mean (business h)',
      'Resolution, median (business h)',
      'Resolution, mean (business h)',
      'Reopen rate',
      'Average rating',
      'Ratings',
    ]);
    expect(rowValues(sheet, 2)).toEqual(['IT support', 4, 3, 2, 3, 2, 0.6667, 0.3333, 2, 2.5, 10, 11.83, 0.5, 3.67, 3]);
    expect(rowValues(sheet, 3)).toEqual(['HR', 3, 2, 0, 1, 1, 0.6667, 0.6667, 0.38, 0.38, 5, 5, 0.5, 3, 1]);
    expect(rowValues(sheet, 4)).toEqual(['Total', 7, 5, 2, 4, 3, 0.6667, 0.5, 0.5, 1.65, 6, 9.1, 0.5, 3.5, 4]);
    expect(sheet.rowCount).toBe(4);
    expect(sheet.getCell('A4').font?.bold).toBe(true);
  });

  it('counts the load per hour of day and day of week in the org time zone', async () => {
    const { workbook } = await build(manager, '2026-11-01..2026-11-30 agent');
    const load = workbook.getWorksheet('Load')!;
    expect(rowValues(load, 1)).toEqual(['Hour', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun', 'Total']);
    const cells: Record<string, number> = {};
    for (let hour = 0; hour < 24; hour += 1) {
      const row = rowValues(load, hour + 2);
      expect(row[0]).toBe(`${String(hour).padStart(2, '0')}:00`);
      row.slice(1, 8).forEach((count, day) => {
        if (count !== 0) cells[`${day}@${hour}`] = count as number;
      });
    }
    // Mon 09:30, Mon 14:10, Tue 10:05, Wed 08:00, Sat 22:15, Mon 23:30, Fri 13:00 (Berlin time).
    expect(cells).toEqual({ '0@9': 1, '0@14': 1, '1@10': 1, '2@8': 1, '5@22': 1, '0@23': 1, '4@13': 1 });
    expect(rowValues(load, 26)).toEqual(['Total', 3, 1, 1, 0, 1, 1, 0, 7]);
  });

  it('groups by agent with the unassigned last', async () => {
    const { workbook } = await build(manager, 'agent 2026-11-01..2026-11-30');
    const sheet = workbook.getWorksheet('By agent')!;
    const labels = [2, 3, 4, 5, 6].map((row) => sheet.getCell(`A${row}`).value);
    // Created in the month: Ivan #1 #3, Inna #2 #6, Hanna #4 #11; #7 and #8 only add resolutions and backlog.
    expect(labels).toEqual(['Hanna Hr', 'Inna Agent', 'Ivan Agent', '(unassigned)', 'Total']);
    expect(rowValues(sheet, 5).slice(0, 6)).toEqual(['(unassigned)', 1, 0, 0, 1, 1]);
  });

  it('lists every ticket of the period with real dates, durations and a frozen, filtered header', async () => {
    const { workbook } = await build(manager, '2026-11-01..2026-11-30 department');
    const tickets = workbook.getWorksheet('Tickets')!;
    expect(tickets.rowCount).toBe(10);
    expect([2, 3, 4, 5, 6, 7, 8, 9, 10].map((row) => tickets.getCell(`A${row}`).value)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 11]);
    expect(rowValues(tickets, 1)).toEqual([
      '#', 'Title', 'Created', 'First response', 'Resolved', 'Closed', 'Requester', 'Company', 'Unit', 'Department', 'Category', 'Priority', 'Status', 'Assignee',
      'Response time (business h:mm)', 'Resolution time (business h:mm)', 'SLA met', 'Rating', 'Reopened', 'Tags',
    ]);
    const first = rowValues(tickets, 2);
    // Local Berlin wall-clock time, as Excel shows it (Excel has no time zones).
    expect(first.slice(0, 6)).toEqual([1, 'Ticket 1', new Date('2026-11-02T09:30:00Z'), new Date('2026-11-02T10:00:00Z'), new Date('2026-11-02T15:00:00Z'), new Date('2026-11-03T10:00:00Z')]);
    expect(first.slice(6, 14)).toEqual(['Rita Requester', 'Acme', 'Ops', 'IT support', 'Hardware', 'normal', 'closed', 'Ivan Agent']);
    // Durations are day fractions; exceljs reads a time-formatted number back as a time of 1899-12-30.
    expect(first.slice(14, 16)).toEqual([new Date('1899-12-30T00:30:00Z'), new Date('1899-12-30T05:30:00Z')]);
    expect(first.slice(16)).toEqual(['yes', 5, 0, 'printer']);
    expect(tickets.getCell('C2').numFmt).toBe('yyyy-mm-dd hh:mm');
    expect(tickets.getCell('O2').numFmt).toBe('[h]:mm');
    const third = rowValues(tickets, 4);
    expect(third[10]).toBeUndefined();
    expect(third[16]).toBe('no');
    expect(tickets.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(tickets.autoFilter).toBe('A1:T1');
    expect(tickets.getColumn(2).width).toBe(50);
  });

  it('draws created vs resolved per day as a picture beside its numbers', async () => {
    const { workbook } = await build(manager, '2026-11-01..2026-11-30 department');
    const chart = workbook.getWorksheet('Chart')!;
    const images = chart.getImages();
    expect(images).toHaveLength(1);
    const media = workbook.getImage(Number(images[0]!.imageId));
    expect(media.extension).toBe('png');
    expect(Buffer.from(media.buffer as unknown as ArrayBuffer).subarray(1, 4).toString()).toBe('PNG');
    expect(chart.rowCount).toBe(31);
    expect(rowValues(chart, 3).slice(0, 3)).toEqual([new Date('2026-11-02T00:00:00Z'), 2, 1]);
  });

  it('gives a coordinator their departments only', async () => {
    const { workbook } = await build(itCoordinator, '2026-11-01..2026-11-30 department');
    expect(workbook.getWorksheet('Summary')!.getCell('A3').value).toBe('Departments: IT support');
    expect(summaryOf(workbook.getWorksheet('Summary')!)).toMatchObject({ Created: 4, Resolved: 3, 'Open at period end': 3, Ratings: 3 });
    const tickets = workbook.getWorksheet('Tickets')!;
    expect([2, 3, 4, 5, 6, 7].map((row) => tickets.getCell(`A${row}`).value)).toEqual([1, 2, 3, 6, 7, 8]);
    expect(workbook.getWorksheet('By department')!.getCell('A2').value).toBe('IT support');
  });

  it('refuses agents', async () => {
    const { period, grouping } = periodOf('month');
    await expect(service.workbook(agent, { period, grouping, locale: 'en' })).rejects.toMatchObject({ code: 'REPORTS_FORBIDDEN' });
  });

  it('speaks the reader’s language', async () => {
    const { workbook } = await build(manager, '2026-11-01..2026-11-30 category', 'ru');
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['Сводка', 'По категориям', 'Нагрузка', 'График', 'Заявки']);
    expect(summaryOf(workbook.getWorksheet('Сводка')!)['Создано']).toBe(7);
    const categories = workbook.getWorksheet('По категориям')!;
    expect([2, 3, 4, 5].map((row) => categories.getCell(`A${row}`).value)).toEqual(['ИТ-поддержка / Оборудование', 'Кадры / Отпуск', 'ИТ-поддержка / Доступы', '(без категории)']);
    expect(workbook.getWorksheet('Заявки')!.getCell('L2').value).toBe('обычный');
  });
});

describe('a build that cannot finish', () => {
  // The core makes its temporary directories under os.tmpdir(), which reads TMPDIR on each
  // call: a directory of this file's own keeps the count free of other test files.
  const sharedTmp = tmpdir();
  const ownTmp = mkdtempSync(join(sharedTmp, 'report-workbook-test-'));
  afterAll(() => {
    process.env.TMPDIR = sharedTmp;
    rmSync(ownTmp, { recursive: true, force: true });
  });

  it('ends when its signal is aborted, closing the cursor and leaving no file', async () => {
    process.env.TMPDIR = ownTmp;
    try {
      const { period, grouping } = periodOf('2026-11-01..2026-11-30 department');
      const asker = new AbortController();
      const progress: number[] = [];
      const onProgress = (percent: number) => {
        progress.push(percent);
        asker.abort();
      };
      const ended = await service.workbook(manager, { period, grouping, locale: 'en', onProgress, signal: asker.signal }).catch((error: unknown) => error);
      expect((ended as Error).name).toBe('AbortError');
      expect(progress).toEqual([0]);
      expect(readdirSync(ownTmp)).toEqual([]);
    } finally {
      process.env.TMPDIR = sharedTmp;
    }
  });

  it('fails with the file error, not the process, when the file cannot be written', async () => {
    const { period, grouping } = periodOf('2026-11-01..2026-11-30 department');
    const nowhere = join(tmpdir(), 'no-such-directory-for-reports', 'report.xlsx');
    const input = { period, grouping, departments: null, locale: 'en', requestedBy: 'Max Manager', now: REPORT_NOW };
    // Before the guard, exceljs's file stream had no listener until commit: the error was unhandled.
    await expect(writeReportWorkbook(db.current.models, i18n.translate, input, nowhere)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('stats', () => {
  it('draws a chart and says the period in three lines', async () => {
    const { period } = periodOf('2026-11-01..2026-11-30');
    const stats = await service.stats(manager, period, 'en');
    expect(stats.png.subarray(1, 4).toString()).toBe('PNG');
    expect(stats.text.split('\n')).toEqual([
      '2026-11-01 – 2026-11-30: created 7, resolved 5, open at the end 4 (overdue 3).',
      'SLA met: first response 66.7%, resolution 50%.',
      'Median in business hours: first response 0.5 h, resolution 6 h; rating 3.5 (4).',
    ]);
  });
});
