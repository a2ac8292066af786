import type ExcelJS from 'exceljs';
import type { DayCounts } from '../charts/day-counts.js';
import { COUNT, DATE, SHARE, commitRow, headerStyle } from './cell-formats.js';
import type { ReportTexts } from './report-texts.js';
import { addStreamingPicture } from './streaming-picture.js';

/** 960 x 480 pixels in default cells, the chart's 2:1 proportions. */
const PICTURE = { cols: 15, rows: 24 };

/** The chart of created vs resolved per day, beside the numbers it draws (a real table Excel can chart again). */
export function writeChartSheet(workbook: ExcelJS.stream.xlsx.WorkbookWriter, texts: ReportTexts, days: DayCounts[], png: Buffer): ExcelJS.Worksheet {
  const { t } = texts;
  const sheet = workbook.addWorksheet(t('report.sheet.chart'));
  sheet.columns = [{ width: 12 }, { width: 10 }, { width: 10 }, { width: 14 }, { width: 14 }];
  addStreamingPicture(workbook, sheet, png, { col: 6, row: 1, ...PICTURE });
  commitRow(
    sheet,
    [t('report.day.date'), t('report.chart.created'), t('report.chart.resolved'), t('report.chart.first_response_sla'), t('report.chart.resolution_sla')],
    headerStyle,
  );
  const formats = [DATE, COUNT, COUNT, SHARE, SHARE];
  for (const day of days) {
    commitRow(sheet, [new Date(`${day.date}T00:00:00Z`), day.created, day.resolved, day.firstResponseCompliance, day.resolutionCompliance], undefined, formats);
  }
  sheet.commit();
  return sheet;
}
