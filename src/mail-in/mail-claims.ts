import { kvScope } from '../db/kv-scope.js';
import type { Models } from '../db/models/index.js';

export const MAIL_CLAIMS_SCOPE = 'mail-in';

/** How long a reader owns a mail; one that died holding it is checked and taken over after this. */
const LEASE_MS = 5 * 60 * 1000;

interface Claim {
  state: 'processing' | 'done';
  until: string;
  outcome?: string;
}

export type ClaimResult = 'claimed' | 'done' | 'busy' | 'stale';

/**
 * One claim per mail (mailbox, UIDVALIDITY, UID) on the unique index of kv_entries, taken
 * before anything is done with the mail, so two instances reading one mailbox handle it once.
 * A claim still `processing` after its lease belongs to a reader that died: `stale`, and the
 * caller checks the journal for the change the mail made before doing it again.
 */
export function mailClaims(models: Models) {
  const claims = kvScope<Claim>(models, MAIL_CLAIMS_SCOPE);
  return {
    async claim(key: string, now: Date): Promise<ClaimResult> {
      const until = new Date(now.getTime() + LEASE_MS).toISOString();
      if (await claims.insertNew(key, { state: 'processing', until })) return 'claimed';
      const held = await claims.get(key);
      if (!held) return 'busy';
      if (held.state === 'done') return 'done';
      if (new Date(held.until) > now) return 'busy';
      // Taken over once: the update matches only the lease that expired.
      const taken = await models.KvEntry.updateOne({ scope: MAIL_CLAIMS_SCOPE, key, 'value.until': held.until }, { $set: { 'value.until': until } });
      return taken.modifiedCount === 1 ? 'stale' : 'busy';
    },
    async settle(key: string, outcome: string): Promise<void> {
      await models.KvEntry.updateOne({ scope: MAIL_CLAIMS_SCOPE, key }, { $set: { 'value.state': 'done', 'value.outcome': outcome } });
    },
  };
}

export type MailClaims = ReturnType<typeof mailClaims>;
