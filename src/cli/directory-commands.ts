import type { Env } from '../config/env.js';
import { connectDatabase } from '../db/connection.js';
import { CsvFileError } from '../directory/csv-rows.js';
import { importPeople } from '../directory/import-people.js';
import { isDirectoryError } from '../directory/directory-error.js';
import { summaryLine } from '../directory/run-summary.js';
import { syncDirectory } from '../directory/sync-directory.js';
import { loadOrgConfig } from '../config/load-org-config.js';
import { stat } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { progressBar } from './progress-bar.js';
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
  // A bar by the bytes read, on a terminal only: a script's stderr gets no redrawn lines.
  const size = await stat(args.file).then((file) => file.size, () => null);
  const bar = process.stderr.isTTY ? progressBar(process.stderr, size) : null;
  let rows = 0;
  let bytes = 0;
  try {
    const result = await importPeople(db.models, args.file, {
      dryRun: args.dryRun,
      deactivateMissing: args.deactivateMissing,
      encoding: args.encoding,
      delimiter: args.delimiter,
      ...(bar
        ? {
            onProgress: (count: number) => {
              rows = count;
              bar.update(bytes, `${rows} rows`);
            },
            onBytes: (read: number) => {
              bytes = read;
              bar.update(bytes, `${rows} rows`);
            },
          }
        : {}),
    });
    bar?.finish(size ?? bytes, `${rows} rows read`);
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

/**
 * `helpdesk directory sync [--dry-run]`: one directory sync with the org config's
 * `directory.ldap`, now. Prints each change, the refused entries, and last the summary line;
 * exit 0 when it applied (or would), 1 with the reason when nothing was changed because of an
 * error (directory unreachable, bind refused, the guard), 2 for a missing setting.
 */
export async function runDirectorySync(env: Env, logger: Logger, out: CliOutput, args: { dryRun: boolean }): Promise<number> {
  if (!env.mongodbUri) {
    out.error('MONGODB_URI is not set: the sync writes to the database the helpdesk uses.');
    return 2;
  }
  const configPath = env.helpdeskConfig;
  if (!configPath) {
    out.error('HELPDESK_CONFIG is not set: the sync reads directory.ldap from the org config.');
    return 2;
  }
  const org = await loadOrgConfig(configPath);
  const db = await connectDatabase(env.mongodbUri);
  const bar = process.stderr.isTTY ? progressBar(process.stderr, null) : null;
  let entries = 0;
  const progress = bar
    ? (read: number) => {
        entries = read;
        bar.update(read, `${read} entries read`);
      }
    : undefined;
  try {
    const tickets = createTicketService({ models: db.models, clock: () => new Date(), logger, timezone: org.timezone });
    const result = await syncDirectory({ models: db.models, tickets, logger, clock: () => new Date(), env: process.env }, org.directory, {
      dryRun: args.dryRun,
      actor: { id: null, name: `helpdesk directory sync (command line, ${userInfo().username})` },
      ...(progress ? { onProgress: progress } : {}),
    });
    bar?.finish(entries, `${entries} entries read`);
    for (const change of result.changes) out.log(change);
    for (const entry of result.rejected) out.error(`${entry.dn}: ${entry.reasons.join('; ')}`);
    if (result.withoutKey.length) out.error(`${result.withoutKey.length} entries have no ${org.directory?.ldap?.key ?? 'key'} and were left out, like ${result.withoutKey[0]}`);
    out.log(`${args.dryRun ? 'dry run, nothing written: ' : ''}${summaryLine(result.summary)}`);
    return 0;
  } catch (error) {
    bar?.finish(entries, `${entries} entries read`);
    if (isDirectoryError(error)) {
      out.error(`directory sync: ${error.message}`);
      return error.reason === 'not_configured' || error.reason === 'password_missing' ? 2 : 1;
    }
    throw error;
  } finally {
    await db.close();
  }
}
