import type { KvScope } from './kv-scope.js';

/**
 * A bounded copy in memory of a KvScope's entries, for a process that is the only writer of
 * the scope. Once preloaded, a key it does not know has no entry, so a miss costs no read;
 * after it had to forget one (more entries than `limit`: the oldest go first), a miss may
 * exist and must be read again.
 */
export class KvMirror<V> {
  private readonly known = new Map<string, V>();
  private whole = false;

  constructor(private readonly limit: number) {}

  get(key: string): V | undefined {
    return this.known.get(key);
  }

  /** A key that is not known surely has no entry. */
  get complete(): boolean {
    return this.whole;
  }

  remember(key: string, value: V): void {
    this.known.delete(key);
    this.known.set(key, value);
    if (this.known.size > this.limit) {
      this.known.delete(this.known.keys().next().value!);
      this.whole = false;
    }
  }

  /** Reads every entry of the scope; what this process already holds is newer and stays. */
  async preload<T>(scope: KvScope<T>, toValue: (stored: T) => V): Promise<void> {
    const stored = await scope.list(this.limit + 1);
    // Complete unless there are more than fit, or remembering them forgets others.
    this.whole = stored.length <= this.limit;
    for (const [key, value] of stored.slice(0, this.limit)) if (!this.known.has(key)) this.remember(key, toValue(value));
  }
}
