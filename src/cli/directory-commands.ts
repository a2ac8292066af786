import type { Env } from '../config/env.js';
import { connectDatabase } from '../db/connection.js';
import { CsvFileError } from '../directory/csv-rows.js';
import { importPeople, summaryLine } from '../directory/import-people.js';
import type { Logger } from '../logger.js';
import { offboardDeactivated } from '../people/offboard.js';
import { createTicketService } from '../tickets/ticket-service.js';
import type { CliOutput } from './output.js';

export interface ImportArguments {
  file: string;
  dryRun: boolean;
  encoding: string;
  delimiter: string;
  deactivateMissing: boolean;
}

/**
 * `helpdesk directory import <file.csv>`: prints each change (a dry run prints what it would
 * do), the refused rows with their lines, and last the summary line; exit 0 when it applied
 * (or would), 1 when the file could not be read and nothing changed, 2 for bad arguments.
 */
export async function runDirectoryImport(env: Env, logger: Logger, out: CliOutput, args: ImportArguments): Promise<number> {
  if (args.encoding !== 'utf-8' && args.encoding !== 'windows-1251') {
    out.error(`--encoding: expected utf-8 or windows-1251, not ${args.encoding}`);
    return 2;
  }
  if (args.delimiter !== ',' && args.delimiter !== ';') {
    out.error(`--delimiter: expected , or ;, not ${args.delimiter}`);
    return 2;
  }
  if (!env.mongodbUri) {
    out.error('MONGODB_URI is not set: the import writes to the database the helpdesk uses.');
    return 2;
  }
  const db = await connectDatabase(env.mongodbUri);
  const progress = process.stderr.isTTY ? (rows: number) => process.stderr.write(`\rread ${rows} rows`) : undefined;
  try {
    const result = await importPeople(db.models, args.file, {
      dryRun: args.dryRun,
      deactivateMissing: args.deactivateMissing,
      encoding: args.encoding,
      delimiter: args.delimiter,
      ...(progress ? { onProgress: progress } : {}),
    });
    if (progress) process.stderr.write('\n');
    if (!args.dryRun && result.summary.deactivated > 0) {
      // Those who left lose their tokens and open tickets now; the running helpdesk's outbox
      // sweep delivers the notices of the releases.
      const tickets = createTicketService({ models: db.models, clock: () => new Date(), logger, timezone: 'UTC' });
      await offboardDeactivated(db.models, tickets, logger, () => new Date());
    }
    for (const change of result.changes) out.log(change);
    for (const row of result.rejected) out.error(`line ${row.line}: ${row.reasons.join('; ')}`);
    logger.info({ file: args.file, dryRun: args.dryRun, ...result.summary }, 'directory import done');
    out.log(`${args.dryRun ? 'dry run, nothing written: ' : ''}${summaryLine(result.summary)}`);
    return 0;
  } catch (error) {
    if (error instanceof CsvFileError) {
      out.error(`${args.file}: ${error.message}. Nothing was changed.`);
      return 1;
    }
    throw error;
  } finally {
    await db.close();
  }
}
