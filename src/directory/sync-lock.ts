import { randomUUID } from 'node:crypto';
import { kvScope } from '../db/kv-scope.js';
import type { Models } from '../db/models/index.js';

/** How long a sync holds the lock; one whose runner died is taken over after it. */
const LEASE_MS = 15 * 60 * 1000;

interface Lease {
  owner: string;
  until: string;
}

/**
 * One sync at a time across every instance, the scheduled one, the CLI and the REST API: the
 * lock is an insert that the unique (scope, key) index lets only one runner make. Returns the
 * release, or null when another sync runs.
 */
export async function takeSyncLock(models: Models, now: Date): Promise<(() => Promise<void>) | null> {
  const leases = kvScope<Lease>(models, 'directory-sync-lock');
  const owner = randomUUID();
  const lease: Lease = { owner, until: new Date(now.getTime() + LEASE_MS).toISOString() };
  if (!(await leases.insertNew('run', lease))) {
    const held = await leases.get('run');
    if (held && new Date(held.until) > now) return null;
    // Its runner died: the stale lease goes, then the insert decides again between takers.
    await models.KvEntry.deleteOne({ scope: 'directory-sync-lock', key: 'run', 'value.owner': held?.owner ?? null });
    if (!(await leases.insertNew('run', lease))) return null;
  }
  return async () => {
    await models.KvEntry.deleteOne({ scope: 'directory-sync-lock', key: 'run', 'value.owner': owner });
  };
}
