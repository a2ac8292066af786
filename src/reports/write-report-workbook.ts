import type ExcelJS from 'exceljs';
import type { Models } from '../db/models/index.js';
import type { Translate } from '../i18n/translate.js';
import { formatTime } from '../i18n/format-time.js';
import { createdResolvedChartPng } from './charts/created-resolved-chart.js';
import { chartText } from './chart-texts.js';
import { wallClockDates } from './local-dates.js';
import type { Grouping } from './report-grouping.js';
import type { ReportPeriod } from './report-period.js';
import { ReportTally, type ReportResult } from './report-tally.js';
import { reportTickets } from './report-tickets.js';
import { writeChartSheet } from './workbook/chart-sheet.js';
import { widthFor } from './workbook/cell-formats.js';
import { writeGroupSheet } from './workbook/group-sheet.js';
import { writeLoadSheet } from './workbook/load-sheet.js';
import { loadReportTexts, type ReportTexts } from './workbook/report-texts.js';
import { orderSheets } from './workbook/sheet-order.js';
import { writeSummarySheet } from './workbook/summary-sheet.js';
import { TicketsSheet, type NameWidths } from './workbook/tickets-sheet.js';
import { guardWriter, type WriterGuard } from './workbook/writer-guard.js';
import { waitForZip } from './workbook/zip-backpressure.js';

export interface WorkbookInput {
  period: ReportPeriod;
  grouping: Grouping;
  /** Departments covered; null: all. */
  departments: string[] | null;
  locale: string;
  /** Who asked, for the heading. */
  requestedBy: string;
  now: Date;
  /** Called with 0..100 as the tickets are read. */
  onProgress?: (percent: number) => void;
  /** Ends the build (the asker went away): the cursor is closed and the file abandoned. */
  signal?: AbortSignal;
}

/** How often progress is told, in percent of the tickets read. */
const PROGRESS_STEP = 5;
/** How often the writer checks that the zip keeps up (rows). */
const ZIP_CHECK_EVERY = 500;

async function nameWidths(models: Models): Promise<NameWidths> {
  const people = await models.Person.find({}, { name: 1, company: 1, unit: 1 }).lean();
  return {
    person: widthFor(people.map((person) => person.name), { min: 12, max: 40 }),
    company: widthFor(people.map((person) => person.company), { min: 10, max: 40 }),
    unit: widthFor(people.map((person) => person.unit), { min: 10, max: 40 }),
  };
}

/**
 * Writes the report workbook to a file with exceljs's streaming writer, reading the period's
 * tickets once through a cursor: each ticket is counted and written as its row, so memory
 * stays flat however long the period. Then the summary, grouping, load and chart sheets.
 */
export async function writeReportWorkbook(models: Models, translate: Translate, input: WorkbookInput, filename: string): Promise<ReportResult> {
  const texts = await loadReportTexts(models, translate, input.locale);
  const source = reportTickets(models, input.period, input.departments);
  const total = await source.count();
  input.signal?.throwIfAborted();
  // exceljs (some 20 MiB of memory) is loaded by the first report, not at start.
  const { default: excel } = await import('exceljs');
  const workbook = new excel.stream.xlsx.WorkbookWriter({ filename, useStyles: true, useSharedStrings: false });
  const guard = guardWriter(workbook);
  try {
    return await writeSheets(workbook, guard, models, texts, input, source, total);
  } catch (error) {
    guard.abandon();
    throw error;
  }
}

async function writeSheets(
  workbook: ExcelJS.stream.xlsx.WorkbookWriter,
  guard: WriterGuard,
  models: Models,
  texts: ReportTexts,
  input: WorkbookInput,
  source: ReturnType<typeof reportTickets>,
  total: number,
): Promise<ReportResult> {
  const { period, grouping, locale } = input;
  const { t } = texts;
  workbook.creator = 'Helpdesk';
  workbook.created = input.now;

  const tickets = new TicketsSheet(workbook, texts, wallClockDates(period.timeZone), await nameWidths(models));
  const tally = new ReportTally(period, grouping);
  let read = 0;
  let told = -1;
  const tell = (percent: number) => {
    if (percent === told) return;
    told = percent;
    input.onProgress?.(percent);
  };
  tell(0);
  for await (const ticket of source.cursor()) {
    input.signal?.throwIfAborted();
    tickets.add(ticket, tally.add(ticket));
    read += 1;
    if (total > 0) tell(Math.min(99, Math.floor((read / total) * (100 / PROGRESS_STEP)) * PROGRESS_STEP));
    if (read % ZIP_CHECK_EVERY === 0) await waitForZip(tickets.worksheet, guard.throwIfFailed);
  }
  guard.throwIfFailed();
  tickets.commit();

  const result = tally.result();
  const scope = input.departments ? t('report.scope.some', { list: input.departments.map((key) => texts.department(key)).join(', ') }) : t('report.scope.all');
  const summary = writeSummarySheet(
    workbook,
    texts,
    {
      lines: [
        t('report.title'),
        t('report.period', { first: period.firstDay, last: period.lastDay, zone: period.timeZone }),
        scope,
        t('report.generated', { at: formatTime(input.now, locale, period.timeZone), name: input.requestedBy }),
      ],
    },
    result.summary,
  );
  const groups = writeGroupSheet(workbook, texts, grouping, result.groups, result.summary);
  const load = writeLoadSheet(workbook, texts, result.load);
  const chart = writeChartSheet(workbook, texts, result.days, await createdResolvedChartPng(result.days, chartText(texts.t, locale, period, 'report.chart.title')));
  orderSheets(workbook, [summary, groups, load, chart, tickets.worksheet]);
  await guard.unlessFailed(workbook.commit());
  tell(100);
  return result;
}
