import { formatBytes } from './format.js';

/** Telegram's limit for files a bot uploads (the standard Bot API server). */
export const TELEGRAM_UPLOAD_LIMIT = 50 * 1024 * 1024;
/** Where a report too large for Telegram can still be had. */
const REST_REPORT = 'GET /api/v1/reports/tickets.xlsx';

/** What a person is told instead of a workbook over the upload limit. */
export function reportTooLargeText(t: (key: string, params?: Record<string, string | number>) => string, size: number, limit: number): string {
  return t('tg.report.too_large', { size: formatBytes(size), limit: formatBytes(limit), api: REST_REPORT });
}
