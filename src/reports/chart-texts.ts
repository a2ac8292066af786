import type { ChartText } from './charts/day-counts.js';
import type { ReportPeriod } from './report-period.js';

/** The translated texts of a chart of the period. */
export function chartText(t: (key: string, params?: Record<string, string | number>) => string, locale: string, period: Pick<ReportPeriod, 'firstDay' | 'lastDay'>, titleKey: string): ChartText {
  return {
    title: t(titleKey, { first: period.firstDay, last: period.lastDay }),
    created: t('report.chart.created'),
    resolved: t('report.chart.resolved'),
    firstResponseSla: t('report.chart.first_response_sla'),
    resolutionSla: t('report.chart.resolution_sla'),
    locale,
  };
}
