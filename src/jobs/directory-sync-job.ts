import type { Agenda } from 'agenda';
import type { Logger } from '../logger.js';
import { isDirectoryError } from '../directory/directory-error.js';

export const DIRECTORY_SYNC_JOB = 'directory-sync';

/** A sync of 5,000 people takes seconds; one that outlives this is taken over (the sync lock decides). */
const LOCK_LIFETIME_MS = 15 * 60 * 1000;

export interface DirectorySyncJobDeps {
  /** Runs one sync as the helpdesk (syncDirectory with the org config). */
  sync: () => Promise<unknown>;
  /** Tells admins about a failure only they can fix (a refused bind, a certificate, an attribute map). */
  alert: (reason: string, message: string) => Promise<unknown>;
  logger: Logger;
}

/**
 * The scheduled directory sync (`directory.every` of the org config). A directory that cannot
 * be reached changes nothing and is tried again at the next interval; a failure that needs an
 * admin is also told to the admins (at most once a day). A run on two instances at once is
 * harmless: the sync lock lets one through.
 */
export function defineDirectorySyncJob(scheduler: Agenda, deps: DirectorySyncJobDeps): void {
  scheduler.define(
    DIRECTORY_SYNC_JOB,
    async () => {
      try {
        await deps.sync();
      } catch (error) {
        if (!isDirectoryError(error)) throw error;
        if (error.transient) {
          deps.logger.warn({ reason: error.reason, err: error.message }, 'directory sync: nothing changed; tried again at the next interval');
          return;
        }
        deps.logger.error({ reason: error.reason, err: error.message }, 'directory sync: nothing changed; an admin must fix this');
        // The guard tells admins itself, with its figures.
        if (error.reason !== 'too_many_deactivations') await deps.alert(error.reason, error.message);
      }
    },
    { concurrency: 1, lockLifetime: LOCK_LIFETIME_MS },
  );
}
