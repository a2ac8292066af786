import type { Transformer } from 'grammy';

export interface ThrottleOptions {
  globalPerSecond: number;
  groupPerMinute: number;
  /** The group window, a minute unless a test shortens it. */
  groupWindowMs?: number;
  now?: () => number;
}

/**
 * A sliding window of reserved send times. Reservations are handed out in call order and
 * never go backwards, so slot k waits for slot k-limit to leave the window.
 */
class Window {
  private readonly slots: number[] = [];

  constructor(
    private readonly limit: number,
    private readonly lengthMs: number,
  ) {}

  reserve(now: number): number {
    this.prune(now);
    const blocking = this.slots.length >= this.limit ? this.slots[this.slots.length - this.limit]! + this.lengthMs : now;
    const slot = Math.max(now, blocking, this.slots[this.slots.length - 1] ?? now);
    this.slots.push(slot);
    return slot;
  }

  /** True when nothing was sent within the window. */
  idle(now: number): boolean {
    this.prune(now);
    return this.slots.length === 0;
  }

  private prune(now: number): void {
    while (this.slots.length > 0 && this.slots[0]! <= now - this.lengthMs) this.slots.shift();
  }
}

/** Calls that put a message into a chat; the rest (callback answers, getFile...) pass freely. */
function isOutgoingMessage(method: string): boolean {
  return /^(send|edit|copy|forward)/.test(method) && method !== 'sendChatAction';
}

function isGroup(chatId: unknown): boolean {
  return (typeof chatId === 'number' && chatId < 0) || (typeof chatId === 'string' && /^[-@]/.test(chatId));
}

/**
 * Keeps outgoing messages under Telegram's limits (about 30 per second overall, 20 per minute
 * in one group) by delaying them: bursts wait their turn instead of meeting 429s.
 */
export function throttleTransformer(options: ThrottleOptions): Transformer {
  const now = options.now ?? Date.now;
  const global = new Window(options.globalPerSecond, 1000);
  const groups = new Map<string, Window>();
  const sleep = (until: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, until - now())));

  return async (prev, method, payload, signal) => {
    const chatId = (payload as { chat_id?: unknown } | undefined)?.chat_id;
    if (!isOutgoingMessage(method) || (typeof chatId !== 'number' && typeof chatId !== 'string')) return prev(method, payload, signal);
    if (isGroup(chatId)) {
      const key = String(chatId);
      let window = groups.get(key);
      if (!window) groups.set(key, (window = new Window(options.groupPerMinute, options.groupWindowMs ?? 60_000)));
      const slot = window.reserve(now());
      if (slot > now()) await sleep(slot);
    }
    const slot = global.reserve(now());
    if (slot > now()) await sleep(slot);
    // Forget quiet groups so the map does not grow with every chat ever seen.
    if (groups.size > 1000) for (const [key, window] of groups) if (window.idle(now())) groups.delete(key);
    return prev(method, payload, signal);
  };
}
