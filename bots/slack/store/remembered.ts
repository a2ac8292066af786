/**
 * Lookups whose answer never changes once it exists (the ticket a thread or a card message is
 * about, a person's thread of a ticket), remembered for a while so that a conversation's
 * messages do not each read them again. Only answers found are remembered: one written later
 * by another instance is read as soon as it is asked for.
 */
export class Remembered<T> {
  private readonly entries = new Map<string, { value: T; at: number }>();

  constructor(
    private readonly ttlMs = 10 * 60_000,
    private readonly max = 10_000,
  ) {}

  async get(key: string, load: () => Promise<T | null | undefined>): Promise<T | undefined> {
    const entry = this.entries.get(key);
    if (entry && Date.now() - entry.at < this.ttlMs) return entry.value;
    const value = (await load()) ?? undefined;
    if (value !== undefined) this.put(key, value);
    else this.entries.delete(key);
    return value;
  }

  put(key: string, value: T): void {
    this.entries.delete(key);
    this.entries.set(key, { value, at: Date.now() });
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
  }
}
