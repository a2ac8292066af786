import type ExcelJS from 'exceljs';
import type { Grouping } from '../report-grouping.js';
import { metricNames, type ReportMetrics } from '../metrics-tally.js';
import type { GroupRow } from '../report-tally.js';
import { commitRow, headerStyle, metricFormats, totalStyle, widthFor } from './cell-formats.js';
import type { ReportTexts } from './report-texts.js';

/**
 * One row per group with the summary's metrics, the busiest first, and a totals row that is
 * the summary itself (shares and medians do not add up row by row).
 */
export function writeGroupSheet(workbook: ExcelJS.stream.xlsx.WorkbookWriter, texts: ReportTexts, grouping: Grouping, groups: GroupRow[], total: ReportMetrics): ExcelJS.Worksheet {
  const { t } = texts;
  const rows = groups
    .map((group) => ({ label: texts.groupLabel(grouping, group.label), empty: group.label === '', metrics: group.metrics }))
    .sort((a, b) => Number(a.empty) - Number(b.empty) || b.metrics.created - a.metrics.created || a.label.localeCompare(b.label, texts.locale));
  const headers = [t(`report.grouping.${grouping}`), ...metricNames.map((name) => t(`report.metric.${name}`))];
  const formats = [undefined, ...metricNames.map((name) => metricFormats[name])];
  const sheet = workbook.addWorksheet(t(`report.sheet.group.${grouping}`), { views: [{ state: 'frozen', xSplit: 1, ySplit: 1 }] });
  sheet.columns = [
    { width: widthFor([...rows.map((row) => row.label), headers[0], t('report.total')], { max: 50 }) },
    ...metricNames.map(() => ({ width: 14 })),
  ];
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: headers.length } };
  commitRow(sheet, headers, headerStyle);
  const valuesOf = (metrics: ReportMetrics) => metricNames.map((name) => metrics[name]);
  for (const row of rows) commitRow(sheet, [row.label, ...valuesOf(row.metrics)], undefined, formats);
  commitRow(sheet, [t('report.total'), ...valuesOf(total)], totalStyle, formats);
  sheet.commit();
  return sheet;
}
