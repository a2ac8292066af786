import { CronExpressionParser } from 'cron-parser';
import type { ScheduledReportConfig } from '../../config/org-schema.js';
import { isPeriodMistake, parsePeriod, type ReportPeriod } from '../report-period.js';

/** One due sending of the scheduled report: when it was planned, and the period it covers. */
export interface DueReport {
  /** The planned local time that has passed most recently. */
  plannedAt: Date;
  period: ReportPeriod;
  /** Names the sending in claims and logs: `last-week:2026-11-16`. */
  key: string;
}

/** The setting as cron in the org's zone, so "08:00" stays 08:00 local across DST changes. */
function cronOf(settings: ScheduledReportConfig): string {
  const [hours = 0, minutes = 0] = settings.at.split(':').map(Number);
  return settings.every === 'week' ? `${minutes} ${hours} * * ${settings.day}` : `${minutes} ${hours} 1 * *`;
}

/**
 * The sending that is due at `now`: the latest planned time that has passed, with the period
 * it reports (`last-week` or `last-month`, read at the planned time). Only the latest counts:
 * a sending whose next one has come is never made up, so nothing older than one period goes.
 * Null when scheduled reports are off.
 */
export function dueReport(settings: ScheduledReportConfig | null, timeZone: string, now: Date): DueReport | null {
  if (!settings) return null;
  // prev() is strictly before `now`: a run at the planned instant itself sees the one before,
  // already sent; the next run, minutes later, sends this one.
  const plannedAt = CronExpressionParser.parse(cronOf(settings), { tz: timeZone, currentDate: now }).prev().toDate();
  const period = parsePeriod(settings.every === 'week' ? 'last-week' : 'last-month', timeZone, plannedAt);
  if (isPeriodMistake(period)) throw new Error(`scheduled report period not understood: ${period.key}`);
  return { plannedAt, period, key: `${period.name}:${period.firstDay}` };
}
