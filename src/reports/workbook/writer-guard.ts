import type ExcelJS from 'exceljs';

/** The two streams of exceljs's streaming writer that its type definitions leave out. */
interface WriterStreams {
  stream: NodeJS.WritableStream & { destroy(): void };
  zip: NodeJS.EventEmitter & { abort(): void };
}

export interface WriterGuard {
  /** Throws the file's or the zip's first error, if one came. */
  throwIfFailed: () => void;
  /** Waits for `work` (the commit), failing as soon as the file or the zip fails. */
  unlessFailed: <T>(work: Promise<T>) => Promise<T>;
  /** Stops the zip and closes the file, so a failed build holds no handle and no buffers. */
  abandon: () => void;
}

/**
 * exceljs listens for its file stream's and its zip's errors only from commit() on: before
 * that, a full disk during a long ticket sheet would be an unhandled 'error' event and end
 * the process with every bot in it. The guard keeps the first error for the build to fail with.
 */
export function guardWriter(workbook: ExcelJS.stream.xlsx.WorkbookWriter): WriterGuard {
  const { stream, zip } = workbook as unknown as WriterStreams;
  let failure: Error | null = null;
  let fail: (error: Error) => void = () => undefined;
  const failed = new Promise<never>((_resolve, reject) => (fail = reject));
  // Nobody may be waiting on it when the error comes.
  failed.catch(() => undefined);
  const keep = (error: Error) => {
    failure ??= error;
    fail(error);
  };
  stream.on('error', keep);
  zip.on('error', keep);
  return {
    throwIfFailed: () => {
      if (failure) throw failure;
    },
    // An error that came before commit() listened would leave the commit waiting for ever.
    unlessFailed: (work) => {
      // Left behind by a failure, the work may still reject later: that is no news.
      work.catch(() => undefined);
      return Promise.race([work, failed]);
    },
    abandon: () => {
      zip.abort();
      stream.destroy();
    },
  };
}
