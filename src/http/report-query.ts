import type { FieldError } from '../errors.js';
import type { Translate } from '../i18n/translate.js';
import { DEFAULT_GROUPING, DEFAULT_PERIOD } from '../reports/report-arguments.js';
import { groupings, isGrouping, type Grouping } from '../reports/report-grouping.js';
import { MAX_PERIOD_DAYS, periodNames, type ReportPeriod } from '../reports/report-period.js';
import type { ReportService } from '../reports/report-service.js';

export interface ReportQuery {
  from?: string;
  to?: string;
  period?: string;
  by?: string;
}

const fromParameter = { type: 'string', description: "First day, YYYY-MM-DD in the org's time zone, included; give with `to`" } as const;
const toParameter = { type: 'string', description: `Last day, YYYY-MM-DD, included; at most ${MAX_PERIOD_DAYS} days from \`from\`` } as const;
const periodParameter = {
  type: 'string',
  description: `A named period instead of from/to: ${periodNames.join(', ')} (weeks start on Monday). With neither form: ${DEFAULT_PERIOD}.`,
} as const;

/*
 * The values are checked by readReportQuery, not by the schema, so each mistake gets a
 * message in the caller's language that names the valid values (ajv's are English only).
 * The schema still refuses unknown and repeated parameters.
 */
export const statsQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { from: fromParameter, to: toParameter, period: periodParameter },
} as const;

export const reportQuerySchema = {
  ...statsQuerySchema,
  properties: {
    ...statsQuerySchema.properties,
    by: { type: 'string', default: DEFAULT_GROUPING, description: `Rows of the grouping sheet: ${groupings.join(', ')}` },
  },
} as const;

export type ReadQuery = { ok: true; period: ReportPeriod; grouping: Grouping } | { ok: false; fields: FieldError[] };

/** A mistaken value quoted back, cut short: a query string may be kilobytes long. */
function quoted(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}…` : value;
}

/** True for a real calendar date written YYYY-MM-DD (not 2026-02-30). */
function isLocalDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const at = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(at.getTime()) && at.toISOString().slice(0, 10) === text;
}

/**
 * Reads `from`+`to` or `period` (neither: this week) and `by` into a report period and a
 * grouping; every mistake is one field error (`query.to`...) with a translated message.
 */
export function readReportQuery(query: ReportQuery, reports: Pick<ReportService, 'parseStats'>, translate: Translate, locale: string): ReadQuery {
  const t = (key: string, params: Record<string, string | number> = {}) => translate(locale, `api.report.error.${key}`, params);
  const fields: FieldError[] = [];
  const fail = (path: string, message: string) => fields.push({ path: `query.${path}`, message });
  const { from, to, period: name, by = DEFAULT_GROUPING } = query;

  const grouping = isGrouping(by) ? by : null;
  if (!grouping) fail('by', t('grouping', { value: quoted(by), groupings: groupings.join(', ') }));
  let text = DEFAULT_PERIOD;
  if (name !== undefined) {
    if (from !== undefined || to !== undefined) fail('period', t('both_forms'));
    else if (!(periodNames as readonly string[]).includes(name)) fail('period', t('period', { value: quoted(name), periods: periodNames.join(', ') }));
    else text = name;
  } else if (from !== undefined || to !== undefined) {
    for (const [path, value] of [['from', from], ['to', to]] as const) {
      if (value === undefined) fail(path, t('pair'));
      else if (!isLocalDate(value)) fail(path, t('date', { value: quoted(value) }));
    }
    text = `${from}..${to}`;
  }
  if (!grouping || fields.length > 0) return { ok: false, fields };

  const parsed = reports.parseStats(text);
  if (parsed.kind === 'stats') return { ok: true, period: parsed.period, grouping };
  // Only the order and the length of a range are left to be wrong here.
  const params = { from: from ?? '', to: to ?? '', count: MAX_PERIOD_DAYS };
  fail('to', t(parsed.key === 'report.error.period_length' ? 'length' : 'order', params));
  return { ok: false, fields };
}
