import type { ReportMetrics } from './metrics-tally.js';
import type { ReportPeriod } from './report-period.js';

type T = (key: string, params?: Record<string, string | number>) => string;

/** The three-line summary sent with the stats chart. */
export function statsLines(t: T, locale: string, period: Pick<ReportPeriod, 'firstDay' | 'lastDay'>, metrics: ReportMetrics): string[] {
  const language = locale === 'ru' ? 'ru-RU' : 'en-GB';
  const none = t('stats.none');
  const percent = (share: number | null) => (share === null ? none : new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 1 }).format(share));
  const hours = (value: number | null) => (value === null ? none : t('stats.hours', { value: new Intl.NumberFormat(language, { maximumFractionDigits: 1 }).format(value) }));
  const rating = metrics.averageRating === null ? none : new Intl.NumberFormat(language, { maximumFractionDigits: 2 }).format(metrics.averageRating);
  return [
    t('stats.line.volume', { first: period.firstDay, last: period.lastDay, created: metrics.created, resolved: metrics.resolved, open: metrics.openAtEnd, overdue: metrics.overdue }),
    t('stats.line.sla', { firstResponse: percent(metrics.firstResponseCompliance), resolution: percent(metrics.resolutionCompliance) }),
    t('stats.line.times', { firstResponse: hours(metrics.firstResponseMedianHours), resolution: hours(metrics.resolutionMedianHours), rating, ratings: metrics.ratings }),
  ];
}
