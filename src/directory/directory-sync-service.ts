import type { DirectoryConfig } from '../config/directory-schema.js';
import type { Models } from '../db/models/index.js';
import type { Logger } from '../logger.js';
import { HelpdeskError } from '../errors.js';
import type { Actor } from '../people/actor.js';
import type { PeopleActor } from '../people/person-journal.js';
import { canManageConfiguration } from '../people/policy.js';
import type { TicketService } from '../tickets/ticket-service.js';
import type { DirectorySyncResult } from './sync-directory.js';

/** How the sync tells admins what only they can fix; the notifier (chat, e-mail) is the caller's. */
export type DirectoryAlert = (alert: { key: string; subjectKey: string; textKey: string; params: Record<string, string | number> }) => Promise<unknown>;

export interface DirectorySyncServiceDeps {
  models: Models;
  tickets: TicketService;
  logger: Logger;
  clock: () => Date;
  env: Record<string, string | undefined>;
  config: DirectoryConfig | undefined;
  alert: DirectoryAlert | null;
}

/**
 * The directory sync bound to the running helpdesk: what the scheduled job, the REST API and
 * the CLI call. The guard's stop and failures only an admin can fix are told to the admins.
 */
export function createDirectorySyncService(deps: DirectorySyncServiceDeps) {
  const alert = (reason: string, detail: string) =>
    deps.alert?.({ key: `directory-${reason}`, subjectKey: 'alert.directory.subject', textKey: reason === 'too_many_deactivations' ? 'alert.directory.guard' : 'alert.directory.failed', params: { detail } }) ?? Promise.resolve();
  return {
    /** The scheduled sync's interval in minutes, or null for none. */
    everyMinutes: deps.config?.ldap ? (deps.config.every ?? null) : null,
    async run(options: { dryRun: boolean; actor: PeopleActor; onProgress?: (entries: number) => void }): Promise<DirectorySyncResult> {
      // The LDAP client loads with the first sync: a helpdesk without a directory never carries it.
      const { syncDirectory } = await import('./sync-directory.js');
      return syncDirectory(
        { models: deps.models, tickets: deps.tickets, logger: deps.logger, clock: deps.clock, env: deps.env, onGuardStop: (message) => alert('too_many_deactivations', message).then(() => undefined) },
        deps.config,
        options,
      );
    },
    /** A sync asked for by a person (the REST API): admins only, as the access policy says. */
    runAs(actor: Actor, dryRun: boolean): Promise<DirectorySyncResult> {
      if (!canManageConfiguration(actor)) throw new HelpdeskError('ADMIN_ONLY', 'only admins run a directory sync');
      return this.run({ dryRun, actor: { id: actor.id, name: actor.name } });
    },
    alert,
  };
}

export type DirectorySyncService = ReturnType<typeof createDirectorySyncService>;
