import { groupings, isGrouping, type Grouping } from './report-grouping.js';
import { isPeriodMistake, looksLikePeriod, parsePeriod, type PeriodMistake, type ReportPeriod } from './report-period.js';

/** What a report command asks for, when nothing is typed for it. */
export const DEFAULT_PERIOD = 'week';
export const DEFAULT_GROUPING: Grouping = 'department';

export type ReportArguments =
  /** Nothing typed: the bot shows its menu. */
  | { kind: 'ask' }
  | { kind: 'report'; period: ReportPeriod; grouping: Grouping }
  | { kind: 'mistake'; key: string; params: Record<string, string | number> };

/**
 * Reads `[period] [grouping]` in either order (`/report month agent`, `/report agent`):
 * what is left out takes the default. Every mistake names the word and is answered with the
 * right form by the caller.
 */
export function parseReportArguments(text: string, timeZone: string, now: Date): ReportArguments {
  const words = text.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return { kind: 'ask' };
  if (words.length > 2) return { kind: 'mistake', key: 'report.error.words', params: { value: words.slice(2).join(' ') } };
  let periodText: string | null = null;
  let grouping: Grouping | null = null;
  for (const word of words) {
    if (isGrouping(word) && grouping === null) grouping = word;
    else if (looksLikePeriod(word) && periodText === null) periodText = word;
    else return { kind: 'mistake', key: 'report.error.word', params: { value: word, groupings: groupings.join(', ') } };
  }
  const period = parsePeriod(periodText ?? DEFAULT_PERIOD, timeZone, now);
  if (isPeriodMistake(period)) return mistakeOf(period);
  return { kind: 'report', period, grouping: grouping ?? DEFAULT_GROUPING };
}

/** `/stats [period]`: only a period; nothing typed is this week. */
export function parseStatsArguments(text: string, timeZone: string, now: Date): { kind: 'stats'; period: ReportPeriod } | { kind: 'mistake'; key: string; params: Record<string, string | number> } {
  const typed = text.trim().toLowerCase();
  if (typed.split(/\s+/).length > 1) return { kind: 'mistake', key: 'report.error.period', params: { value: typed } };
  const period = parsePeriod(typed || DEFAULT_PERIOD, timeZone, now);
  if (isPeriodMistake(period)) return mistakeOf(period);
  return { kind: 'stats', period };
}

function mistakeOf(mistake: PeriodMistake): { kind: 'mistake'; key: string; params: Record<string, string | number> } {
  return { kind: 'mistake', key: mistake.key, params: mistake.params };
}
