import type { Transformer } from 'grammy';

export interface ThrottleOptions {
  globalPerSecond: number;
  groupPerMinute: number;
  /** The group window, a minute unless a test shortens it. */
  groupWindowMs?: number;
  /**
   * Messages one private chat may get within `privateWindowMs` (Telegram: "about one a
   * second, short bursts allowed"). Unset: private chats are only held to the global pace.
   */
  privateBurst?: number;
  /** The private chat window, `privateBurst` seconds unless set. */
  privateWindowMs?: number;
}

/** Card edits go first into a chat whose budget is spent; everything else waits behind them. */
export type Priority = 'card' | 'normal';

/**
 * At most `limit` messages in any window of `lengthMs`, as Telegram counts them: from the
 * moment a message reaches it. That moment is only known to lie between handing the call over
 * and its answer, so a message holds its place from the hand-over until `lengthMs` after its
 * answer. (Pacing by hand-over alone let a burst's first calls arrive late and the next
 * window's first calls early: 31 messages within one second on Telegram's clock, and a 429.)
 * Places go to waiting card edits first, then to the others in call order.
 */
class Window {
  private used = 0;
  private readonly waiting: Record<Priority, (() => void)[]> = { card: [], normal: [] };

  constructor(
    private readonly limit: number,
    private readonly lengthMs: number,
  ) {}

  /** Resolves when the caller holds a place; it must call `answered` once the call returned. */
  take(priority: Priority): Promise<void> {
    const ahead = this.waiting.card.length + (priority === 'normal' ? this.waiting.normal.length : 0);
    if (this.used < this.limit && ahead === 0) {
      this.used += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting[priority].push(resolve));
  }

  answered(): void {
    // Unref'd: a window still counting must not keep a stopping process alive.
    setTimeout(() => this.free(), this.lengthMs).unref();
  }

  /** True when nothing was sent within the window and nobody waits. */
  idle(): boolean {
    return this.used === 0 && this.waiting.card.length === 0 && this.waiting.normal.length === 0;
  }

  private free(): void {
    const next = this.waiting.card.shift() ?? this.waiting.normal.shift();
    // The place passes straight to the next caller, so no newcomer can overtake it.
    if (next) next();
    else this.used -= 1;
  }
}

/** Calls that put a message into a chat; the rest (callback answers, getFile, reactions...) pass freely. */
function isOutgoingMessage(method: string): boolean {
  return /^(send|edit|copy|forward)/.test(method) && method !== 'sendChatAction';
}

function isGroup(chatId: unknown): boolean {
  return (typeof chatId === 'number' && chatId < 0) || (typeof chatId === 'string' && /^[-@]/.test(chatId));
}

/**
 * Marks a call's payload as using a place already held (by `withPlace`). A symbol: JSON leaves
 * it out, so it never reaches Telegram. (Not AsyncLocalStorage: it switches on promise hooks for
 * the whole process, measured at some 4% of the CPU under load.)
 */
export const HELD_PLACE = Symbol('held place');

export interface Throttle {
  /** The grammY transformer that delays each outgoing message until it fits the limits. */
  transformer: Transformer;
  /**
   * Waits for a place for one message into `chatId`, then runs `send`, whose call carrying
   * `[HELD_PLACE]: true` in its options uses the place. What `send` renders after the wait is
   * what goes out: a card that waited for a busy group's budget shows the ticket as it is then.
   */
  withPlace<T>(chatId: number | string, priority: Priority, send: () => Promise<T>): Promise<T>;
}

/**
 * Keeps outgoing messages under Telegram's limits (about 30 per second overall, 20 per minute
 * in one group, optionally a short burst per private chat) by delaying them: bursts wait their
 * turn instead of meeting 429s.
 */
export function createThrottle(options: ThrottleOptions): Throttle {
  const global = new Window(options.globalPerSecond, 1000);
  const chats = new Map<string, Window>();

  /** The window of one chat, or none when that kind of chat has no limit of its own. */
  function chatWindow(chatId: number | string): Window | null {
    const group = isGroup(chatId);
    if (!group && !options.privateBurst) return null;
    const key = String(chatId);
    let window = chats.get(key);
    if (!window) {
      window = group
        ? new Window(options.groupPerMinute, options.groupWindowMs ?? 60_000)
        : new Window(options.privateBurst!, options.privateWindowMs ?? options.privateBurst! * 1000);
      chats.set(key, window);
    }
    return window;
  }

  async function acquire(chatId: number | string, priority: Priority): Promise<() => void> {
    const chat = chatWindow(chatId);
    await chat?.take(priority);
    await global.take(priority);
    return () => {
      chat?.answered();
      global.answered();
      // Forget quiet chats so the map does not grow with every chat ever seen.
      if (chats.size > 1000) for (const [key, window] of chats) if (window.idle()) chats.delete(key);
    };
  }

  const transformer: Transformer = async (prev, method, payload, signal) => {
    const chatId = (payload as { chat_id?: unknown } | undefined)?.chat_id;
    if (!isOutgoingMessage(method) || (typeof chatId !== 'number' && typeof chatId !== 'string')) return prev(method, payload, signal);
    if ((payload as Record<symbol, unknown>)[HELD_PLACE]) return prev(method, payload, signal);
    const release = await acquire(chatId, 'normal');
    try {
      return await prev(method, payload, signal);
    } finally {
      release();
    }
  };

  return {
    transformer,
    async withPlace(chatId, priority, send) {
      const release = await acquire(chatId, priority);
      try {
        return await send();
      } finally {
        release();
      }
    },
  };
}

/** The transformer alone, for callers that never reserve a place. */
export function throttleTransformer(options: ThrottleOptions): Transformer {
  return createThrottle(options).transformer;
}
