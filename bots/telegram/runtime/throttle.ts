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

/**
 * At most `limit` messages in any window of `lengthMs`, as Telegram counts them: from the
 * moment a message reaches it. That moment is only known to lie between handing the call over
 * and its answer, so a message holds its place from the hand-over until `lengthMs` after its
 * answer. (Pacing by hand-over alone let a burst's first calls arrive late and the next
 * window's first calls early: 31 messages within one second on Telegram's clock, and a 429.)
 * Places are handed out in call order.
 */
class Window {
  private used = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly limit: number,
    private readonly lengthMs: number,
  ) {}

  /** Resolves when the caller holds a place; it must call `answered` once the call returned. */
  take(): Promise<void> {
    if (this.used < this.limit && this.waiting.length === 0) {
      this.used += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  answered(): void {
    // Unref'd: a window still counting must not keep a stopping process alive.
    setTimeout(() => this.free(), this.lengthMs).unref();
  }

  /** True when nothing was sent within the window and nobody waits. */
  idle(): boolean {
    return this.used === 0 && this.waiting.length === 0;
  }

  private free(): void {
    const next = this.waiting.shift();
    // The place passes straight to the next caller, so no newcomer can overtake it.
    if (next) next();
    else this.used -= 1;
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
 * in one group, optionally a short burst per private chat) by delaying them: bursts wait their
 * turn instead of meeting 429s.
 */
export function throttleTransformer(options: ThrottleOptions): Transformer {
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

  return async (prev, method, payload, signal) => {
    const chatId = (payload as { chat_id?: unknown } | undefined)?.chat_id;
    if (!isOutgoingMessage(method) || (typeof chatId !== 'number' && typeof chatId !== 'string')) return prev(method, payload, signal);
    const chat = chatWindow(chatId);
    await chat?.take();
    await global.take();
    try {
      return await prev(method, payload, signal);
    } finally {
      chat?.answered();
      global.answered();
      // Forget quiet chats so the map does not grow with every chat ever seen.
      if (chats.size > 1000) for (const [key, window] of chats) if (window.idle()) chats.delete(key);
    }
  };
}
