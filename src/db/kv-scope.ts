import { insertTogether } from './insert-batcher.js';
import { trusted } from './connection.js';
import { isDuplicateKey } from './duplicate-key.js';
import type { Models } from './models/index.js';

/** One scope of the KvEntry collection: small state that must survive a restart. */
export interface KvScope<T> {
  get(key: string): Promise<T | undefined>;
  set(key: string, value: T): Promise<void>;
  /** Sets several keys in one command. */
  setMany(entries: [string, T][]): Promise<void>;
  /**
   * Sets a key that is most likely new: an insert (batched with others), an update only when
   * it exists. Cheaper than `set` there: an upsert reads before it writes, and on FerretDB that
   * read scans the whole collection.
   */
  insertOrSet(key: string, value: T): Promise<void>;
  /** Inserts only if absent; false when the key already exists (the unique index decides). */
  insertNew(key: string, value: T): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** Up to `limit` entries of the scope, in no particular order. */
  list(limit: number): Promise<[string, T][]>;
  /** Removes entries last written before `date`. */
  pruneBefore(date: Date): Promise<number>;
}

export function kvScope<T>(models: Models, scope: string): KvScope<T> {
  const { KvEntry } = models;

  async function set(key: string, value: T): Promise<void> {
    const write = () => KvEntry.updateOne({ scope, key }, { $set: { value } }, { upsert: true });
    try {
      await write();
    } catch (error) {
      // Two upserts of a new key at once: one inserts, the other meets the unique index. The
      // entry exists now, so the second try updates it (MongoDB and FerretDB alike).
      if (!isDuplicateKey(error)) throw error;
      await write();
    }
  }

  function insertNew(key: string, value: T): Promise<boolean> {
    const now = new Date();
    return insertTogether(KvEntry.collection, { scope, key, value, createdAt: now, updatedAt: now });
  }

  return {
    async get(key) {
      const entry = await KvEntry.findOne({ scope, key }).lean();
      return (entry?.value as T | undefined) ?? undefined;
    },
    set,
    async setMany(entries) {
      // New keys (the usual case) go in one insert; a key that exists is updated on its own.
      // Not one bulk update: FerretDB 1.24 holds a connection per statement of an update
      // command until the command ends, and a few hundred statements exhaust its pool for good.
      const inserted = await Promise.all(entries.map(([key, value]) => insertNew(key, value)));
      for (const [index, [key, value]] of entries.entries()) if (!inserted[index]) await set(key, value);
    },
    async insertOrSet(key, value) {
      if (!(await insertNew(key, value))) await set(key, value);
    },
    insertNew,
    async delete(key) {
      await KvEntry.deleteOne({ scope, key });
    },
    async list(limit) {
      const entries = await KvEntry.find({ scope }, { key: 1, value: 1 }).limit(limit).lean();
      return entries.map((entry) => [entry.key, entry.value as T]);
    },
    async pruneBefore(date) {
      const result = await KvEntry.deleteMany({ scope, updatedAt: trusted({ $lt: date }) });
      return result.deletedCount;
    },
  };
}
