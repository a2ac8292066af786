import { trusted } from '../../db/connection.js';
import { isDuplicateKey } from '../../db/duplicate-key.js';
import type { Models } from '../../db/models/index.js';

/** The kv_entries scope of the claims: one entry per person, period and target, kept as the record of what went out. */
export const REPORT_CLAIMS_SCOPE = 'scheduled-report-sends';

/** How long a sender owns a claim; a sender that died mid-send is taken over after it. */
export const REPORT_LEASE_MS = 10 * 60 * 1000;

type SendState = 'sending' | 'sent' | 'failed' | 'abandoned';

interface SendRecord {
  state: SendState;
  leaseUntil: Date | null;
  attempts: number;
  lastError: string | null;
}

export type ReportClaim = 'claimed' | 'done' | 'busy';

/**
 * Claims on the sendings of the scheduled report, so each person gets each period's report
 * once per target whatever the number of app instances, restarts and retries: a claim is
 * inserted before sending (the unique index on scope and key lets one runner in) and marked
 * after. A retryable failure frees the claim for the next run; a permanent one (a blocked
 * bot, a mailbox that does not exist) is recorded and never tried again.
 */
export function createReportClaims(models: Models, leaseMs = REPORT_LEASE_MS) {
  const { KvEntry } = models;
  const entry = (key: string) => ({ scope: REPORT_CLAIMS_SCOPE, key });

  return {
    /** Keys already settled for good (sent or given up) among these: nothing to build for them. */
    async settled(keys: string[]): Promise<Set<string>> {
      if (keys.length === 0) return new Set();
      const rows = await KvEntry.find({ scope: REPORT_CLAIMS_SCOPE, key: trusted({ $in: keys }) }).lean();
      return new Set(rows.filter((row) => ['sent', 'abandoned'].includes((row.value as SendRecord | undefined)?.state ?? '')).map((row) => row.key));
    },

    async claim(key: string, now: Date): Promise<ReportClaim> {
      const leaseUntil = new Date(now.getTime() + leaseMs);
      const fresh: SendRecord = { state: 'sending', leaseUntil, attempts: 1, lastError: null };
      try {
        await KvEntry.create({ ...entry(key), value: fresh });
        return 'claimed';
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
      const existing = (await KvEntry.findOne(entry(key)).lean())?.value as SendRecord | undefined;
      if (!existing) return 'busy';
      if (existing.state === 'sent' || existing.state === 'abandoned') return 'done';
      if (existing.state === 'sending' && existing.leaseUntil && existing.leaseUntil > now) return 'busy';
      // Failed before, or its sender died: take it over unless another runner just did.
      const taken = await KvEntry.updateOne(
        { ...entry(key), 'value.state': existing.state, 'value.attempts': existing.attempts },
        { $set: { 'value.state': 'sending', 'value.leaseUntil': leaseUntil }, $inc: { 'value.attempts': 1 } },
      );
      return taken.modifiedCount === 1 ? 'claimed' : 'busy';
    },

    /** Records how a claimed sending ended. */
    async settle(key: string, state: Exclude<SendState, 'sending'>, lastError: string | null = null): Promise<void> {
      await KvEntry.updateOne(entry(key), { $set: { 'value.state': state, 'value.leaseUntil': null, 'value.lastError': lastError } });
    },

    /** Forgets records last written before `date`. */
    async pruneBefore(date: Date): Promise<number> {
      const result = await KvEntry.deleteMany({ scope: REPORT_CLAIMS_SCOPE, updatedAt: trusted({ $lt: date }) });
      return result.deletedCount;
    },
  };
}

export type ReportClaims = ReturnType<typeof createReportClaims>;
