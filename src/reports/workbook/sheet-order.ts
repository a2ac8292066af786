import type ExcelJS from 'exceljs';

/**
 * Sets the order of the tabs. The ticket list is written first, so its rows stream straight
 * into the file while the other sheets wait for the totals, yet readers expect the summary
 * first. exceljs's streaming writer lists sheets in the order of its (sparse, 1-based) array.
 */
export function orderSheets(workbook: ExcelJS.stream.xlsx.WorkbookWriter, sheets: ExcelJS.Worksheet[]): void {
  const book = workbook as unknown as { _worksheets: (ExcelJS.Worksheet | undefined)[] };
  const present = book._worksheets.filter(Boolean);
  if (present.length !== sheets.length || !sheets.every((sheet) => present.includes(sheet))) throw new Error('orderSheets needs every sheet of the workbook');
  const ordered: ExcelJS.Worksheet[] = new Array<ExcelJS.Worksheet>(1);
  ordered.push(...sheets);
  book._worksheets = ordered;
}
