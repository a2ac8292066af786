import { localDateAndMinute, startOfNextLocalDay } from '../sla/business-calendar.js';

/** The named periods a person may ask for; a range is typed as `YYYY-MM-DD..YYYY-MM-DD`. */
export const periodNames = ['today', 'week', 'last-week', 'month', 'last-month'] as const;
export type PeriodName = (typeof periodNames)[number];

/** The longest range a report covers: a year, so the daily chart stays readable. */
export const MAX_PERIOD_DAYS = 366;

/**
 * A report's period: whole local days in the org's time zone, `from` inclusive and `to`
 * exclusive. `asOf` is when the "open at period end" state is read: the end, or now for a
 * period that has not ended yet.
 */
export interface ReportPeriod {
  /** What the person typed, normalized (`week`, `2026-11-01..2026-11-15`). */
  name: string;
  firstDay: string;
  lastDay: string;
  from: Date;
  to: Date;
  asOf: Date;
  timeZone: string;
}

export type PeriodMistake = { key: 'report.error.period' | 'report.error.period_order' | 'report.error.period_length'; params: Record<string, string | number> };

const rangePattern = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/;

/** The calendar date `days` after a YYYY-MM-DD date. */
export function addDays(date: string, days: number): string {
  const at = new Date(`${date}T00:00:00Z`);
  at.setUTCDate(at.getUTCDate() + days);
  return at.toISOString().slice(0, 10);
}

/** Days from the first date to the second (0 for the same day). */
export function daysBetween(first: string, last: string): number {
  return Math.round((Date.parse(`${last}T00:00:00Z`) - Date.parse(`${first}T00:00:00Z`)) / 86_400_000);
}

/** True for a real calendar date written YYYY-MM-DD (not 2026-02-30). */
function isCalendarDate(text: string): boolean {
  const at = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(at.getTime()) && at.toISOString().slice(0, 10) === text;
}

/** The instant a local day begins in the time zone. */
export function startOfLocalDay(date: string, timeZone: string): Date {
  return startOfNextLocalDay(addDays(date, -1), timeZone);
}

function periodOf(name: string, firstDay: string, lastDay: string, timeZone: string, now: Date): ReportPeriod {
  const from = startOfLocalDay(firstDay, timeZone);
  const to = startOfNextLocalDay(lastDay, timeZone);
  return { name, firstDay, lastDay, from, to, asOf: now < to ? now : to, timeZone };
}

/** True when the text names a period (so a command's words can be told apart). */
export function looksLikePeriod(text: string): boolean {
  return (periodNames as readonly string[]).includes(text) || /^\d{4}-\d{2}-\d{2}(\.\.|$)/.test(text) || text.includes('..');
}

/**
 * Reads a period in the org's time zone: `today`, `week` (Monday to Sunday), `last-week`,
 * `month`, `last-month` or `YYYY-MM-DD..YYYY-MM-DD` (both days included, at most a year).
 */
export function parsePeriod(text: string, timeZone: string, now: Date): ReportPeriod | PeriodMistake {
  const typed = text.trim().toLowerCase();
  const today = localDateAndMinute(now, timeZone).date;
  switch (typed) {
    case 'today':
      return periodOf('today', today, today, timeZone, now);
    case 'week': {
      const weekday = (new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7;
      const monday = addDays(today, -weekday);
      return periodOf('week', monday, addDays(monday, 6), timeZone, now);
    }
    case 'last-week': {
      const weekday = (new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7;
      const monday = addDays(today, -weekday - 7);
      return periodOf('last-week', monday, addDays(monday, 6), timeZone, now);
    }
    case 'month': {
      const first = `${today.slice(0, 7)}-01`;
      return periodOf('month', first, addDays(`${nextMonth(first)}`, -1), timeZone, now);
    }
    case 'last-month': {
      const thisMonth = `${today.slice(0, 7)}-01`;
      const first = previousMonth(thisMonth);
      return periodOf('last-month', first, addDays(thisMonth, -1), timeZone, now);
    }
  }
  const range = rangePattern.exec(typed);
  if (!range || !isCalendarDate(range[1]!) || !isCalendarDate(range[2]!)) return { key: 'report.error.period', params: { value: text.trim() } };
  const [, first, last] = range as unknown as [string, string, string];
  if (last < first) return { key: 'report.error.period_order', params: { value: typed } };
  if (daysBetween(first, last) + 1 > MAX_PERIOD_DAYS) return { key: 'report.error.period_length', params: { value: typed, count: MAX_PERIOD_DAYS } };
  return periodOf(typed, first, last, timeZone, now);
}

export function isPeriodMistake(value: ReportPeriod | PeriodMistake): value is PeriodMistake {
  return 'key' in value;
}

function nextMonth(firstOfMonth: string): string {
  const at = new Date(`${firstOfMonth}T00:00:00Z`);
  at.setUTCMonth(at.getUTCMonth() + 1);
  return at.toISOString().slice(0, 10);
}

function previousMonth(firstOfMonth: string): string {
  const at = new Date(`${firstOfMonth}T00:00:00Z`);
  at.setUTCMonth(at.getUTCMonth() - 1);
  return at.toISOString().slice(0, 10);
}

/** Every local date of the period, in order. */
export function daysOf(period: Pick<ReportPeriod, 'firstDay' | 'lastDay'>): string[] {
  const days: string[] = [];
  for (let day = period.firstDay; day <= period.lastDay; day = addDays(day, 1)) days.push(day);
  return days;
}
