/**
 * Writes that may wait a moment go out together: items are kept by key (a later one for the
 * same key replaces the earlier), and `delayMs` after the first one they are written in one
 * call. What the wait risks is the owner's to say; every user documents it.
 */
export interface WriteBehind<T> {
  add(key: string, item: T): void;
  /** Whether an item for `key` waits to be written. */
  has(key: string): boolean;
  /** Writes what waits, after any write already under way: at shutdown, before reading back. */
  flush(): Promise<void>;
}

export function writeBehind<T>(options: { delayMs: number; write: (items: T[]) => Promise<void>; onError: (error: unknown) => void }): WriteBehind<T> {
  let waiting = new Map<string, T>();
  let timer: NodeJS.Timeout | null = null;
  let writing: Promise<void> = Promise.resolve();

  function writeNow(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = null;
    if (waiting.size === 0) return writing;
    const batch = [...waiting.values()];
    waiting = new Map();
    // One write at a time, in order: a later batch never lands before an earlier one.
    writing = writing.catch(() => undefined).then(() => options.write(batch));
    return writing;
  }

  return {
    add(key, item) {
      waiting.set(key, item);
      if (timer) return;
      timer = setTimeout(() => void writeNow().catch(options.onError), options.delayMs);
      timer.unref();
    },
    has: (key) => waiting.has(key),
    async flush() {
      await writing.catch(() => undefined);
      await writeNow();
    },
  };
}
