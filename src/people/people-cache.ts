import { nextSequenceValue } from '../db/counters.js';
import type { Models } from '../db/models/index.js';

/** A safety net: entries are re-read this often even when no change was announced. */
const TTL_MS = 60_000;
/** How often each process looks whether people changed elsewhere. */
const CHECK_EVERY_MS = 1000;
/** Entries kept at most; the oldest go first. */
const LIMIT = 20_000;
/** The counter every writer of people or accounts advances (src/db/counters.ts). */
const VERSION = 'people-version';

interface Entry {
  value: unknown;
  at: number;
}

/**
 * Who is writing is looked up for every message (their platform account, then the person),
 * and who to tell for every delivery (the person, then their accounts); people change rarely.
 * So lookups are kept, per database, until people change: every writer of people and accounts
 * calls `forgetPeople`, which empties this process's cache at once and advances a counter that
 * every other instance reads once a second. A deactivated person loses access here at once,
 * in the other instances within a second.
 */
class PeopleCache {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<unknown>>();
  private generation = 0;
  private version: number | null = null;
  private checker: NodeJS.Timeout | null = null;

  constructor(private readonly models: Models) {}

  async get<T>(key: string, load: () => Promise<T>): Promise<T> {
    this.watch();
    const entry = this.entries.get(key);
    if (entry && Date.now() - entry.at < TTL_MS) return entry.value as T;
    const pending = this.loading.get(key);
    if (pending) return pending as Promise<T>;
    const generation = this.generation;
    const loaded = load().then(
      (value) => {
        this.loading.delete(key);
        // A write while this read ran may not be in it: keep it for these callers only.
        if (generation === this.generation) {
          this.entries.delete(key);
          this.entries.set(key, { value, at: Date.now() });
          if (this.entries.size > LIMIT) this.entries.delete(this.entries.keys().next().value!);
        }
        return value;
      },
      (error: unknown) => {
        this.loading.delete(key);
        throw error;
      },
    );
    this.loading.set(key, loaded);
    return loaded;
  }

  clear(): void {
    this.generation += 1;
    this.entries.clear();
    this.loading.clear();
  }

  /** Looks at the shared counter now and then, while this database is open. */
  private watch(): void {
    if (this.checker) return;
    this.checker = setInterval(() => {
      const state = this.models.Counter.db.readyState as number;
      // 1 connected, 0 closed for good (the cache goes with it); anything else: wait.
      if (state !== 1) {
        if (state === 0) this.unwatch();
        return;
      }
      this.models.Counter.findById(VERSION)
        .lean<{ seq: number }>()
        .then((counter) => {
          const seen = counter?.seq ?? 0;
          if (this.version !== null && seen !== this.version) this.clear();
          this.version = seen;
        })
        .catch(() => this.clear()); // unsure: read again
    }, CHECK_EVERY_MS);
    this.checker.unref();
  }

  private unwatch(): void {
    if (this.checker) clearInterval(this.checker);
    this.checker = null;
    this.clear();
  }
}

const caches = new WeakMap<Models, PeopleCache>();

/** The people cache of a database (see PeopleCache). */
export function peopleCache(models: Models): PeopleCache {
  let cache = caches.get(models);
  if (!cache) caches.set(models, (cache = new PeopleCache(models)));
  return cache;
}

/**
 * To be called after writing people or their platform accounts: this process reads them anew
 * at once, the other instances within a second.
 */
export async function forgetPeople(models: Models): Promise<void> {
  peopleCache(models).clear();
  await nextSequenceValue(models, VERSION);
}
