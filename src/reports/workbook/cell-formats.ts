import type ExcelJS from 'exceljs';
import type { ReportMetrics } from '../metrics-tally.js';

export const DATE_TIME = 'yyyy-mm-dd hh:mm';
export const DATE = 'yyyy-mm-dd';
/** Durations as Excel time values (days), shown as hours past 24: 30:15. */
export const DURATION = '[h]:mm';
export const COUNT = '0';
export const SHARE = '0.0%';
export const HOURS = '0.00';

/** How each metric is shown; the value stays a plain number for formulas and filters. */
export const metricFormats: Record<keyof ReportMetrics, string> = {
  created: COUNT,
  resolved: COUNT,
  closed: COUNT,
  openAtEnd: COUNT,
  overdue: COUNT,
  firstResponseCompliance: SHARE,
  resolutionCompliance: SHARE,
  firstResponseMedianHours: HOURS,
  firstResponseMeanHours: HOURS,
  resolutionMedianHours: HOURS,
  resolutionMeanHours: HOURS,
  reopenRate: SHARE,
  averageRating: HOURS,
  ratings: COUNT,
};

export const headerStyle: Partial<ExcelJS.Style> = {
  font: { bold: true },
  fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF7' } },
  alignment: { vertical: 'middle', wrapText: true },
};

export const totalStyle: Partial<ExcelJS.Style> = { font: { bold: true }, border: { top: { style: 'thin' } } };

/** A column wide enough for its longest text, within reason (Excel's width unit is about one character). */
export function widthFor(texts: Iterable<string | number | null | undefined>, { min = 6, max = 60 } = {}): number {
  let longest = 0;
  for (const text of texts) if (text != null) longest = Math.max(longest, String(text).length);
  return Math.min(max, Math.max(min, longest + 2));
}

/** Writes a row with the same style on every cell and commits it (streaming sheets keep nothing). */
export function commitRow(sheet: ExcelJS.Worksheet, values: unknown[], style?: Partial<ExcelJS.Style>, formats?: (string | undefined)[]): void {
  const row = sheet.addRow(values);
  row.eachCell({ includeEmpty: false }, (cell, column) => {
    const numFmt = formats?.[column - 1];
    if (style) cell.style = { ...style, ...(numFmt ? { numFmt } : {}) };
    else if (numFmt) cell.numFmt = numFmt;
  });
  row.commit();
}
