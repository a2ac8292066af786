import type ExcelJS from 'exceljs';
import { priorities, statuses } from '../../db/models/ticket.js';
import type { ReportTicket } from '../report-tickets.js';
import type { TicketFacts } from '../ticket-facts.js';
import { COUNT, DATE_TIME, DURATION, commitRow, headerStyle, widthFor } from './cell-formats.js';
import type { ReportTexts } from './report-texts.js';

/** Longest names in the directory, known before the rows stream by (a streamed sheet writes its widths first). */
export interface NameWidths {
  person: number;
  company: number;
  unit: number;
}

interface Column {
  key: string;
  format?: string;
  width: number;
  value(ticket: ReportTicket, facts: TicketFacts): unknown;
}

const DAY_SECONDS = 86_400;
const duration = (seconds: number | null | undefined) => (seconds == null ? null : seconds / DAY_SECONDS);

/**
 * The ticket list: one row per ticket of the period, streamed to the file as it is read,
 * with real dates (local wall-clock time), durations Excel can sum, a frozen header and a
 * filter on every column.
 */
export class TicketsSheet {
  private readonly sheet: ExcelJS.Worksheet;
  private readonly columns: Column[];
  private rows = 0;

  constructor(
    workbook: ExcelJS.stream.xlsx.WorkbookWriter,
    texts: ReportTexts,
    localTime: (at: Date) => Date,
    names: NameWidths,
  ) {
    const { t } = texts;
    const local = (at: Date | null | undefined) => (at ? localTime(at) : null);
    const words = (keys: string[]) => keys.map((key) => t(key));
    const dateWidth = 17;
    this.columns = [
      { key: 'number', format: COUNT, width: 8, value: (ticket) => ticket.number },
      { key: 'title', width: 50, value: (ticket) => ticket.title },
      { key: 'created', format: DATE_TIME, width: dateWidth, value: (ticket) => local(ticket.createdAt) },
      { key: 'firstResponse', format: DATE_TIME, width: dateWidth, value: (ticket) => local(ticket.metrics.firstResponseAt) },
      { key: 'resolved', format: DATE_TIME, width: dateWidth, value: (ticket) => local(ticket.metrics.resolvedAt) },
      { key: 'closed', format: DATE_TIME, width: dateWidth, value: (ticket) => local(ticket.closedAt) },
      { key: 'requester', width: names.person, value: (ticket) => ticket.requester.name },
      { key: 'company', width: names.company, value: (ticket) => ticket.requester.company ?? null },
      { key: 'unit', width: names.unit, value: (ticket) => ticket.requester.unit ?? null },
      { key: 'department', width: widthFor(texts.allNames(), { max: 40 }), value: (ticket) => texts.department(ticket.department) },
      { key: 'category', width: widthFor(texts.allNames(), { max: 40 }), value: (ticket) => texts.category(ticket.department, ticket.category) || null },
      { key: 'priority', width: widthFor(words(priorities.map((priority) => `priority.${priority}`))), value: (ticket) => t(`priority.${ticket.priority}`) },
      { key: 'status', width: widthFor(words(statuses.map((status) => `status.${status}`))), value: (ticket) => t(`status.${ticket.status}`) },
      { key: 'assignee', width: names.person, value: (ticket) => ticket.assigneeName },
      { key: 'firstResponseTime', format: DURATION, width: 10, value: (ticket) => duration(ticket.metrics.firstResponseBusinessSeconds) },
      { key: 'resolutionTime', format: DURATION, width: 10, value: (ticket) => duration(ticket.metrics.resolutionBusinessSeconds) },
      { key: 'slaMet', width: widthFor(words(['report.yes', 'report.no'])), value: (_ticket, facts) => (facts.slaMet === null ? null : t(facts.slaMet ? 'report.yes' : 'report.no')) },
      { key: 'rating', format: COUNT, width: 8, value: (ticket) => ticket.rating?.score ?? null },
      { key: 'reopened', format: COUNT, width: 8, value: (ticket) => ticket.metrics.reopenCount },
      { key: 'tags', width: 24, value: (ticket) => (ticket.tags.length ? ticket.tags.join(', ') : null) },
    ];
    const headers = this.columns.map((column) => t(`report.column.${column.key}`));
    this.sheet = workbook.addWorksheet(t('report.sheet.tickets'), { views: [{ state: 'frozen', ySplit: 1 }] });
    // A header longer than its column wraps (the header style wraps) instead of widening it.
    // Formats sit on the columns, so every streamed cell inherits one shared style.
    this.sheet.columns = this.columns.map((column, index) => ({
      key: column.key,
      width: Math.max(column.width, Math.min(headers[index]!.length + 2, 14)),
      ...(column.format ? { style: { numFmt: column.format } } : {}),
    }));
    this.sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: this.columns.length } };
    commitRow(this.sheet, headers, headerStyle);
  }

  get worksheet(): ExcelJS.Worksheet {
    return this.sheet;
  }

  add(ticket: ReportTicket, facts: TicketFacts): void {
    this.sheet.addRow(this.columns.map((column) => column.value(ticket, facts))).commit();
    this.rows += 1;
  }

  commit(): void {
    this.sheet.commit();
  }
}
