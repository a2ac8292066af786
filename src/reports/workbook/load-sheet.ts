import type ExcelJS from 'exceljs';
import { commitRow, headerStyle, totalStyle } from './cell-formats.js';
import type { ReportTexts } from './report-texts.js';

/**
 * Tickets created per hour of day (rows 00:00–23:00) and day of week (columns Monday to
 * Sunday) in the org's time zone, with totals: when the queue fills up.
 */
export function writeLoadSheet(workbook: ExcelJS.stream.xlsx.WorkbookWriter, texts: ReportTexts, load: number[]): ExcelJS.Worksheet {
  const { t } = texts;
  const days = [0, 1, 2, 3, 4, 5, 6];
  const sheet = workbook.addWorksheet(t('report.sheet.load'), { views: [{ state: 'frozen', xSplit: 1, ySplit: 1 }] });
  sheet.columns = [{ width: 8 }, ...days.map(() => ({ width: 7 })), { width: 9 }];
  commitRow(sheet, [t('report.load.hour'), ...days.map((day) => t(`report.weekday.${day}`)), t('report.total')], headerStyle);
  const dayTotals = days.map(() => 0);
  for (let hour = 0; hour < 24; hour += 1) {
    const counts = days.map((day) => load[day * 24 + hour] ?? 0);
    counts.forEach((count, day) => (dayTotals[day]! += count));
    commitRow(sheet, [`${String(hour).padStart(2, '0')}:00`, ...counts, counts.reduce((sum, count) => sum + count, 0)]);
  }
  commitRow(sheet, [t('report.total'), ...dayTotals, dayTotals.reduce((sum, count) => sum + count, 0)], totalStyle);
  sheet.commit();
  return sheet;
}
