import type ExcelJS from 'exceljs';
import { metricNames, type ReportMetrics } from '../metrics-tally.js';
import { commitRow, headerStyle, metricFormats, widthFor } from './cell-formats.js';
import type { ReportTexts } from './report-texts.js';

export interface SummaryHeading {
  /** Title, period, scope and who asked: the lines above the numbers. */
  lines: string[];
}

/** The first sheet: what the report covers, then one metric a row (label, value). */
export function writeSummarySheet(workbook: ExcelJS.stream.xlsx.WorkbookWriter, texts: ReportTexts, heading: SummaryHeading, summary: ReportMetrics): ExcelJS.Worksheet {
  const { t } = texts;
  const labels = metricNames.map((name) => t(`report.metric.${name}`));
  const sheet = workbook.addWorksheet(t('report.sheet.summary'));
  sheet.columns = [{ width: widthFor([...labels, t('report.summary.metric')], { max: 50 }) }, { width: 14 }];
  const [title, ...rest] = heading.lines;
  const titleRow = sheet.addRow([title]);
  titleRow.getCell(1).font = { bold: true, size: 14 };
  titleRow.commit();
  for (const line of rest) sheet.addRow([line]).commit();
  sheet.addRow([]).commit();
  commitRow(sheet, [t('report.summary.metric'), t('report.summary.value')], headerStyle);
  metricNames.forEach((name, index) => commitRow(sheet, [labels[index], summary[name]], undefined, [undefined, metricFormats[name]]));
  sheet.commit();
  return sheet;
}
