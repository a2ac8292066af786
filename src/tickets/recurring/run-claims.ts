import { isDuplicateKey } from '../../db/duplicate-key.js';
import type { Models } from '../../db/models/index.js';

/** How long a pass owns a claimed run; a pass that died while opening is taken over after it. */
export const RUN_LEASE_MS = 5 * 60 * 1000;

export type RunClaim = 'claimed' | 'done' | 'busy';

/** The ticket field naming the run that opened it: `<schedule id>@<ISO time>`. */
export function scheduleRunId(key: string, runAt: Date): string {
  return `${key}@${runAt.toISOString()}`;
}

/**
 * Claims one run of a schedule by inserting it: the unique index on (schedule, time) lets one
 * of any number of app instances in. A run already opened (or given up) is `done`; one whose
 * claimer's lease has run out is taken over, unless another pass just did.
 */
export async function claimRun(models: Models, key: string, runAt: Date, now: Date, leaseMs = RUN_LEASE_MS): Promise<RunClaim> {
  const leaseUntil = new Date(now.getTime() + leaseMs);
  try {
    await models.ScheduleRun.create({ scheduleKey: key, runAt, state: 'opening', leaseUntil });
    return 'claimed';
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
  }
  const existing = await models.ScheduleRun.findOne({ scheduleKey: key, runAt }).lean();
  if (!existing) return 'busy';
  if (existing.state !== 'opening') return 'done';
  if (existing.leaseUntil && existing.leaseUntil > now) return 'busy';
  const taken = await models.ScheduleRun.updateOne(
    { _id: existing._id, state: 'opening', leaseUntil: existing.leaseUntil },
    { $set: { leaseUntil }, $inc: { attempts: 1 } },
  );
  return taken.modifiedCount === 1 ? 'claimed' : 'busy';
}

/** Records how a claimed run ended: its ticket, or why it opened none (never retried). */
export async function settleRun(models: Models, key: string, runAt: Date, outcome: { ticketNumber: number } | { error: string }): Promise<void> {
  const set = 'ticketNumber' in outcome
    ? { state: 'opened' as const, ticketNumber: outcome.ticketNumber, error: null }
    : { state: 'failed' as const, error: outcome.error };
  await models.ScheduleRun.updateOne({ scheduleKey: key, runAt }, { $set: { ...set, leaseUntil: null } });
}

/** A transient failure (database, network): the lease ends now, so the next pass tries again. */
export async function releaseRun(models: Models, key: string, runAt: Date, now: Date, error: string): Promise<void> {
  await models.ScheduleRun.updateOne({ scheduleKey: key, runAt, state: 'opening' }, { $set: { leaseUntil: now, error } });
}
