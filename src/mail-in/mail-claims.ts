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
  const entries = kvScope<Claim>(models, MAIL_CLAIMS_SCOPE);
  const claims = {
    async claim(key: string, now: Date): Promise<ClaimResult> {
      const until = new Date(now.getTime() + LEASE_MS).toISOString();
      if (await entries.insertNew(key, { state: 'processing', until })) return 'claimed';
      const held = await entries.get(key);
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
  return {
    ...claims,
    /**
     * Handles a mail once across readers: `busy` while another reader holds it, `done` when it
     * was handled before (or its reader died after storing the change, which the journal shows:
     * the change carries the claim as its `origin`). A `handle` that throws leaves the claim to
     * expire, so the mail is tried again later.
     */
    async once<T>(key: string, now: Date, handle: () => Promise<T>, label: (result: T) => string): Promise<{ handled: false; reason: 'busy' | 'done' } | { handled: true; result: T }> {
      const claim = await claims.claim(key, now);
      if (claim === 'busy' || claim === 'done') return { handled: false, reason: claim };
      if (claim === 'stale' && (await models.JournalEvent.exists({ 'origin.platform': 'email', 'origin.chatId': key }))) {
        await claims.settle(key, 'recovered');
        return { handled: false, reason: 'done' };
      }
      const result = await handle();
      await claims.settle(key, label(result));
      return { handled: true, result };
    },
  };
}

export type MailClaims = ReturnType<typeof mailClaims>;
