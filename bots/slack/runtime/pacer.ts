import type { SlackLimits } from '../deps.js';

/** Slack's method tiers for the methods the app calls (chat.postMessage is paced per channel). */
const methodTier: Record<string, 2 | 3 | 4> = {
  'chat.update': 3,
  'chat.postEphemeral': 4,
  'chat.getPermalink': 4,
  'conversations.open': 3,
  'conversations.join': 3,
  'conversations.info': 3,
  'users.info': 4,
  'users.lookupByEmail': 3,
  'views.open': 4,
  'views.push': 4,
  'views.update': 4,
  'views.publish': 4,
  'files.getUploadURLExternal': 4,
  'files.completeUploadExternal': 4,
};

/** Methods that post into a channel, spaced per channel. */
const channelMethods = new Set(['chat.postMessage', 'chat.update', 'files.completeUploadExternal']);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Keeps the app under Slack's limits before a call is made, so 429s stay the exception:
 * messages into one channel are spaced (about one a second), and each method tier gets its
 * calls per minute. Slots are reserved when asked, so concurrent callers queue in order.
 */
export function createPacer(limits: Pick<SlackLimits, 'channelIntervalMs' | 'tierPerMinute'>) {
  const channelNext = new Map<string, number>();
  const recent = new Map<string, number[]>();

  function channelDelay(channel: string, now: number): number {
    const at = Math.max(now, channelNext.get(channel) ?? 0);
    channelNext.set(channel, at + limits.channelIntervalMs);
    return at - now;
  }

  /** A sliding minute: bursts are allowed up to the tier's budget, then calls wait for room. */
  function tierDelay(method: string, now: number): number {
    const tier = methodTier[method];
    if (!tier) return 0;
    const budget = limits.tierPerMinute[tier];
    const times = (recent.get(method) ?? []).filter((at) => at > now - 60_000);
    const at = times.length < budget ? now : times[times.length - budget]! + 60_000;
    times.push(at);
    recent.set(method, times);
    return at - now;
  }

  return {
    async before(method: string, channel: string | undefined): Promise<void> {
      const now = Date.now();
      const wait = Math.max(tierDelay(method, now), channel && channelMethods.has(method) ? channelDelay(channel, now) : 0);
      if (wait > 0) await sleep(wait);
    },
    /** Forgets channels not written to for a while, so the map does not grow forever. */
    forgetIdle(): void {
      const now = Date.now();
      for (const [channel, next] of channelNext) if (next < now - 60_000) channelNext.delete(channel);
    },
  };
}

export type Pacer = ReturnType<typeof createPacer>;
