import type ExcelJS from 'exceljs';

/** How much of a sheet's XML may wait for the zip before the writer waits too. */
const BACKLOG_LIMIT_BYTES = 4 * 1024 * 1024;
/** A zip that takes nothing for this long, without an error, has stalled. */
const STALL_LIMIT_MS = 120_000;
const POLL_MS = 5;

interface StreamState {
  length?: number;
}

/**
 * What waits in the streams exceljs's streaming sheet hands its XML to: archiver's entry
 * stream, a `readable-stream` PassThrough (version 2, without `writableLength`, hence the states).
 */
function backlogOf(worksheet: ExcelJS.Worksheet): number {
  const stream = (worksheet as unknown as { stream?: { pipes?: { _writableState?: StreamState; _readableState?: StreamState }[] } }).stream;
  return Math.max(0, ...(stream?.pipes ?? []).map((pipe) => (pipe._writableState?.length ?? 0) + (pipe._readableState?.length ?? 0)));
}

/**
 * Waits until the zip has taken most of what the sheet wrote. exceljs's streaming sheet
 * ignores backpressure: with a database that answers at once (MongoDB), rows are made faster
 * than archiver deflates them and the sheet's XML piles up in memory (670 MB for 500,000
 * rows); waiting here keeps at most a few megabytes queued.
 */
export async function waitForZip(worksheet: ExcelJS.Worksheet, throwIfFailed: () => void): Promise<void> {
  let backlog = backlogOf(worksheet);
  let lastProgress = Date.now();
  while (backlog > BACKLOG_LIMIT_BYTES) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    // A zip whose file failed takes nothing more: fail now, not after the stall limit.
    throwIfFailed();
    const now = backlogOf(worksheet);
    if (now < backlog) lastProgress = Date.now();
    else if (Date.now() - lastProgress > STALL_LIMIT_MS) throw new Error('the workbook zip stopped taking data');
    backlog = now;
  }
}
