import type { DirectoryConfig } from '../config/directory-schema.js';
import type { Models } from '../db/models/index.js';
import type { Logger } from '../logger.js';
import { offboardDeactivated, type OffboardSummary } from '../people/offboard.js';
import { forgetPeople } from '../people/people-cache.js';
import { newRunId, type PeopleActor } from '../people/person-journal.js';
import type { TicketService } from '../tickets/ticket-service.js';
import { applyDirectoryPlan } from './apply-directory.js';
import { DirectoryError } from './directory-error.js';
import { closeLdap, openLdap } from './ldap-connection.js';
import { normalizeDn } from './ldap-entries.js';
import { checkAttributeMap, readGroupMembers, readPeopleEntries } from './ldap-read.js';
import { planDirectorySync, type DirectoryPlan, type KnownPerson, type PlannedChange } from './plan-directory.js';
import type { RunSummary } from './run-summary.js';
import { takeSyncLock } from './sync-lock.js';

export interface DirectorySyncDeps {
  models: Models;
  tickets: TicketService;
  logger: Logger;
  clock: () => Date;
  /** Where the bind password's variable is read (process.env). */
  env: Record<string, string | undefined>;
  /** Told when the guard stops a sync, so admins hear of it (chat and e-mail). */
  onGuardStop?: (message: string) => Promise<void>;
}

export interface DirectorySyncOptions {
  dryRun: boolean;
  actor: PeopleActor;
  /** Entries read so far, for a progress line. */
  onProgress?: (entries: number) => void;
}

export interface DirectorySyncResult {
  summary: RunSummary;
  /** One line per change: `+ email`, `~ email: field old -> new`, `^ email (back again)`, `- email (why)`. */
  changes: string[];
  rejected: { dn: string; reasons: string[] }[];
  /** Entries left out because they have no stable key. */
  withoutKey: string[];
  runId: string;
  offboarded: OffboardSummary | null;
}

const PERSON_FIELDS = { _id: 1, email: 1, name: 1, phone: 1, phones: 1, company: 1, unit: 1, title: 1, manager: 1, role: 1, departments: 1, directoryKey: 1, directoryDn: 1, origin: 1, active: 1 } as const;

function changeLine(change: PlannedChange): string {
  const shown = (value: unknown) => JSON.stringify(value ?? null);
  switch (change.kind) {
    case 'create':
      return `+ ${change.fields.email} (${change.fields.name}, ${change.fields.role})`;
    case 'deactivate':
      return `- ${change.person.email ?? String(change.person._id)} (${change.why === 'disabled' ? 'disabled in the directory' : 'no longer in the directory'})`;
    case 'update': {
      const fields = Object.keys(change.after).map((key) => `${key} ${shown(change.before[key])} -> ${shown(change.after[key])}`);
      return `${change.reactivate ? '^' : '~'} ${change.person.email ?? ''}${fields.length ? `: ${fields.join(', ')}` : ''}${change.reactivate ? ' (back again)' : ''}`;
    }
  }
}

/** Stops a sync that would deactivate more than the configured share; at least one person may always leave. */
function checkGuard(plan: DirectoryPlan, maxShare: number, url: string): void {
  const leaving = plan.summary.deactivated;
  const base = plan.activeFromDirectory;
  const allowed = Math.max(1, Math.floor(maxShare * base));
  if (leaving <= allowed || maxShare >= 1) return;
  const share = base > 0 ? Math.round((leaving / base) * 100) : 100;
  throw new DirectoryError(
    'too_many_deactivations',
    `this sync would deactivate ${leaving} of ${base} people from ${url} (${share}%), more than directory.maxDeactivate (${Math.round(maxShare * 100)}%): nothing was changed. Check directory.ldap.baseDn, filter and disabled; if the change is right, raise maxDeactivate for one sync`,
  );
}

/** Reads the directory whole; nothing is written while the server is being read. */
async function readDirectory(settings: NonNullable<DirectoryConfig['ldap']>, password: string, onProgress?: (entries: number) => void) {
  const client = await openLdap(settings, password);
  try {
    await checkAttributeMap(client, settings);
    const { records, withoutKey } = await readPeopleEntries(client, settings, onProgress);
    const members = await readGroupMembers(client, settings, new Set(records.map((record) => record.normalizedDn)));
    return { records, withoutKey, members };
  } finally {
    await closeLdap(client);
  }
}

/**
 * One directory sync: reads every person and group from LDAP / AD, compares, and (unless dry)
 * creates, updates, deactivates and reactivates people, each change journaled; those who left
 * lose their tokens and open tickets at once. A directory that cannot be read, a map naming
 * attributes the server lacks, or a sync that would deactivate too many changes nothing and
 * throws a DirectoryError that says why. One sync at a time across instances.
 */
export async function syncDirectory(deps: DirectorySyncDeps, config: DirectoryConfig | undefined, options: DirectorySyncOptions): Promise<DirectorySyncResult> {
  const settings = config?.ldap;
  if (!config || !settings) throw new DirectoryError('not_configured', 'the org config has no directory.ldap: there is no directory to sync with');
  const password = deps.env[settings.bindPasswordEnv];
  if (!password) throw new DirectoryError('password_missing', `${settings.bindPasswordEnv} is not set: it holds the password of ${settings.bindDn}`);
  const release = options.dryRun ? async () => {} : await takeSyncLock(deps.models, deps.clock());
  if (!release) throw new DirectoryError('busy', 'another directory sync is running; this one changed nothing');
  const runId = newRunId();
  const started = Date.now();
  try {
    const { records, withoutKey, members } = await readDirectory(settings, password, options.onProgress);
    const people = await deps.models.Person.find({}).select(PERSON_FIELDS).lean<KnownPerson[]>();
    const plan = planDirectorySync({ records, people, groups: settings.groups, members, normalizeDn });
    try {
      checkGuard(plan, config.maxDeactivate, settings.url);
    } catch (error) {
      if (!options.dryRun && error instanceof DirectoryError) await deps.onGuardStop?.(error.message).catch((alertError: unknown) => deps.logger.warn({ err: alertError }, 'directory: telling admins about the stopped sync failed'));
      throw error;
    }
    let offboarded: OffboardSummary | null = null;
    if (!options.dryRun) {
      await applyDirectoryPlan(deps.models, plan, { actor: options.actor, runId, at: deps.clock() });
      await forgetPeople(deps.models);
      if (plan.summary.deactivated > 0) offboarded = await offboardDeactivated(deps.models, deps.tickets, deps.logger, deps.clock);
    }
    deps.logger.info({ runId, dryRun: options.dryRun, entries: records.length, ms: Date.now() - started, ...plan.summary }, 'directory sync done');
    return { summary: plan.summary, changes: plan.changes.map(changeLine), rejected: plan.rejected, withoutKey, runId, offboarded };
  } finally {
    await release();
  }
}
