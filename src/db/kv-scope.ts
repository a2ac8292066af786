import { trusted } from './connection.js';
import { isDuplicateKey } from './duplicate-key.js';
import type { Models } from './models/index.js';

/** One scope of the KvEntry collection: small state that must survive a restart. */
export interface KvScope<T> {
  get(key: string): Promise<T | undefined>;
  set(key: string, value: T): Promise<void>;
  /** Sets several keys in one command. */
  setMany(entries: [string, T][]): Promise<void>;
  /** Inserts only if absent; false when the key already exists (the unique index decides). */
  insertNew(key: string, value: T): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** Removes entries last written before `date`. */
  pruneBefore(date: Date): Promise<number>;
}

export function kvScope<T>(models: Models, scope: string): KvScope<T> {
  const { KvEntry } = models;
  return {
    async get(key) {
      const entry = await KvEntry.findOne({ scope, key }).lean();
      return (entry?.value as T | undefined) ?? undefined;
    },
    async set(key, value) {
      const write = () => KvEntry.updateOne({ scope, key }, { $set: { value } }, { upsert: true });
      try {
        await write();
      } catch (error) {
        // Two upserts of a new key at once: one inserts, the other meets the unique index. The
        // entry exists now, so the second try updates it (MongoDB and FerretDB alike).
        if (!isDuplicateKey(error)) throw error;
        await write();
      }
    },
    async setMany(entries) {
      if (entries.length === 0) return;
      await KvEntry.bulkWrite(
        entries.map(([key, value]) => ({ updateOne: { filter: { scope, key }, update: { $set: { value } }, upsert: true } })),
        { ordered: false },
      );
    },
    async insertNew(key, value) {
      try {
        await KvEntry.create({ scope, key, value });
        return true;
      } catch (error) {
        if (isDuplicateKey(error)) return false;
        throw error;
      }
    },
    async delete(key) {
      await KvEntry.deleteOne({ scope, key });
    },
    async pruneBefore(date) {
      const result = await KvEntry.deleteMany({ scope, updatedAt: trusted({ $lt: date }) });
      return result.deletedCount;
    },
  };
}
