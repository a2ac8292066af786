import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../clock.js';
import type { Models } from '../db/models/index.js';
import type { I18n } from '../i18n/translate.js';
import type { Actor } from '../people/actor.js';
import { chartText } from './chart-texts.js';
import { statsChartPng } from './charts/stats-chart.js';
import { reportDepartments } from './report-access.js';
import { parseReportArguments, parseStatsArguments } from './report-arguments.js';
import type { Grouping } from './report-grouping.js';
import type { ReportPeriod } from './report-period.js';
import { ReportTally, type ReportResult } from './report-tally.js';
import { reportTickets } from './report-tickets.js';
import { statsLines } from './stats-lines.js';
import { writeReportWorkbook } from './write-report-workbook.js';
import { reportDirectory } from './report-files.js';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export interface ReportServiceDeps {
  models: Models;
  i18n: I18n;
  clock: Clock;
  /** The org's time zone: periods are whole local days there. */
  timezone: string;
}

export interface ReportRequest {
  period: ReportPeriod;
  grouping: Grouping;
  locale: string;
  onProgress?: (percent: number) => void;
  /** Ends the build early (the asker went away); the build then fails with the signal's reason. */
  signal?: AbortSignal;
}

/** A built workbook in a temporary file: send it, then dispose of it. */
export interface ReportFile {
  path: string;
  fileName: string;
  contentType: string;
  size: number;
  /** A line to send with the file ("Tickets report 2026-11-01 – 2026-11-30, by agent: 412 tickets."). */
  caption: string;
  result: ReportResult;
  dispose(): Promise<void>;
}

export interface StatsReply {
  png: Buffer;
  /** Three lines: volume, SLA, times and rating. */
  text: string;
  period: ReportPeriod;
  /** The figures behind the chart and the text. */
  result: ReportResult;
}

export type ReportService = ReturnType<typeof createReportService>;

/**
 * Reports for the bots, the API and the weekly job: one place that checks who may see
 * which departments, parses what was typed, and builds the workbook or the stats chart.
 */
export function createReportService(deps: ReportServiceDeps) {
  const { models, i18n, clock, timezone } = deps;
  const translate = i18n.translate;

  return {
    timezone,
    parseReport: (text: string) => parseReportArguments(text, timezone, clock()),
    parseStats: (text: string) => parseStatsArguments(text, timezone, clock()),
    /** The form to type, for an answer to a mistake. */
    usage: (locale: string, command: string, kind: 'report' | 'stats' = 'report') => translate(locale, `${kind}.usage`, { command, zone: timezone }),

    async workbook(actor: Actor, request: ReportRequest): Promise<ReportFile> {
      const departments = reportDepartments(actor);
      const { period, grouping, locale } = request;
      const directory = await reportDirectory();
      const fileName = translate(locale, 'report.file_name', { first: period.firstDay, last: period.lastDay, grouping });
      const path = join(directory, 'report.xlsx');
      const dispose = () => rm(directory, { recursive: true, force: true });
      try {
        const result = await writeReportWorkbook(
          models,
          translate,
          { period, grouping, departments, locale, requestedBy: actor.name, now: clock(), ...(request.onProgress ? { onProgress: request.onProgress } : {}), ...(request.signal ? { signal: request.signal } : {}) },
          path,
        );
        const { size } = await stat(path);
        const caption = translate(locale, 'report.caption', { first: period.firstDay, last: period.lastDay, grouping: translate(locale, `report.grouping.${grouping}`), count: result.tickets });
        return { path, fileName, contentType: XLSX_TYPE, size, caption, result, dispose };
      } catch (error) {
        await dispose();
        throw error;
      }
    },

    /** The figures of a period without the ticket list: summary, per day, load. */
    async figures(actor: Actor, period: ReportPeriod): Promise<ReportResult> {
      const departments = reportDepartments(actor);
      const tally = new ReportTally(period, null);
      for await (const ticket of reportTickets(models, period, departments).cursor()) tally.add(ticket);
      return tally.result();
    },

    async stats(actor: Actor, period: ReportPeriod, locale: string): Promise<StatsReply> {
      const result = await this.figures(actor, period);
      const t = (key: string, params?: Record<string, string | number>) => translate(locale, key, params);
      return {
        png: await statsChartPng(result.days, chartText(t, locale, period, 'report.chart.stats_title')),
        text: statsLines(t, locale, period, result.summary).join('\n'),
        period,
        result,
      };
    },
  };
}
