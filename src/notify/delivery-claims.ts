import { insertTogether } from '../db/insert-batcher.js';
import type { Clock } from '../clock.js';
import { trusted } from '../db/connection.js';
import { writeBehind } from '../db/write-behind.js';
import type { Models } from '../db/models/index.js';
import { ChannelError } from './channel.js';

/** How long a claimer owns a delivery; a crashed claimer's delivery is retried after it. */
const DEFAULT_LEASE_MS = 10 * 60 * 1000;

type ClaimResult = 'claimed' | 'done' | 'busy';

/** Sent marks wait this long to go out together, in one command. */
const MARK_SENT_AFTER_MS = 100;
/** The record that says a key was sent is the key with this suffix. */
const SENT = '#sent';

/**
 * Exactly-once sending as far as a chat platform allows: each delivery has a key, claimed by
 * inserting it (the unique index decides between two runners of the same job), marked sent
 * after the platform accepted it. Only a crash between the platform's answer and the mark
 * can repeat a message, once the lease has run out.
 *
 * The mark is a record of its own (`<key>#sent`), inserted, not an update of the claim: inserts
 * of the moment share one command, and FerretDB 1.24 makes every update by a field other than
 * `_id` read the whole collection in PostgreSQL, which grows with every message sent.
 */
export function createDeliveryClaims(models: Models, clock: Clock, leaseMs = DEFAULT_LEASE_MS, onError: (error: unknown) => void = () => undefined) {
  const { Delivery } = models;
  /**
   * Sent marks of the last moment, written together. Until then a sent message looks like one
   * being sent (its claim holds its lease): a crash in that moment is the window described
   * above, and ten minutes later the message goes again.
   */
  const sent = writeBehind<string>({
    delayMs: MARK_SENT_AFTER_MS,
    write: async (keys) => {
      const now = clock();
      await Promise.all(keys.map((key) => insertTogether(Delivery.collection, { key: `${key}${SENT}`, state: 'sent', leaseUntil: null, attempts: 1, lastError: null, createdAt: now, updatedAt: now })));
    },
    onError,
  });

  async function claim(key: string): Promise<ClaimResult> {
    const now = clock();
    const leaseUntil = new Date(now.getTime() + leaseMs);
    if (await insertTogether(Delivery.collection, { key, state: 'sending', leaseUntil, attempts: 1, lastError: null, createdAt: now, updatedAt: now })) return 'claimed';
    if (await Delivery.exists({ key: `${key}${SENT}` })) return 'done';
    const existing = await Delivery.findOne({ key }).lean();
    if (!existing) return 'busy';
    if (existing.state === 'sent' || existing.state === 'abandoned') return 'done';
    if (existing.state === 'sending' && existing.leaseUntil && existing.leaseUntil > now) return 'busy';
    // Failed earlier, or its claimer died: take it over unless another runner just did.
    const taken = await Delivery.updateOne(
      { _id: existing._id, state: existing.state, updatedAt: existing.updatedAt },
      { $set: { state: 'sending', leaseUntil }, $inc: { attempts: 1 } },
    );
    return taken.modifiedCount === 1 ? 'claimed' : 'busy';
  }

  async function settle(key: string, state: 'failed' | 'abandoned', lastError: string | null = null): Promise<void> {
    await Delivery.updateOne({ key }, { $set: { state, leaseUntil: null, lastError } });
  }

  return {
    /**
     * Sends once per key. A permanent refusal (blocked bot) is recorded and not retried; any
     * other failure leaves the key to the next attempt. Returns false when it was sent before.
     */
    async once(key: string, send: () => Promise<void>): Promise<boolean> {
      if (sent.has(key)) return false;
      const claimed = await claim(key);
      if (claimed === 'done') return false;
      if (claimed === 'busy') throw new ChannelError(`delivery ${key} is being sent by another worker`, { retryable: true });
      try {
        await send();
      } catch (error) {
        const permanent = error instanceof ChannelError && !error.retryable;
        await settle(key, permanent ? 'abandoned' : 'failed', error instanceof Error ? error.message : String(error));
        throw error;
      }
      sent.add(key, key);
      return true;
    },

    /** Writes the sent marks still waiting. */
    flushSent: () => sent.flush(),

    /** Forgets delivery records last touched before `date`: they only guard retries, which stop after a day. */
    async pruneBefore(date: Date): Promise<number> {
      const result = await Delivery.deleteMany({ updatedAt: trusted({ $lt: date }) });
      return result.deletedCount;
    },
  };
}

export type DeliveryClaims = ReturnType<typeof createDeliveryClaims>;
