import type { Models } from '../../../src/db/models/index.js';
import { KvMirror } from '../../../src/db/kv-mirror.js';
import { kvScope } from '../../../src/db/kv-scope.js';

/**
 * The last `language_code` Telegram reported for each user, so a notice sent later (with no
 * update to read it from) still speaks the user's language. Written only when it changes.
 */
export interface UserLanguages {
  seen(userId: number, languageCode: string | undefined): Promise<void>;
  of(userId: number | string): Promise<string | null>;
  /**
   * Reads every stored language, after which a user who is not known has none: for a process
   * that receives every update (long polling), so no other one stores a language meanwhile.
   */
  preload(): Promise<void>;
}

const REMEMBERED = 50_000;

/** `remembered`: users kept in memory at most (a seam for tests). */
export function userLanguages(models: Models, remembered = REMEMBERED): UserLanguages {
  const kv = kvScope<{ languageCode: string }>(models, 'tg-user');
  /** What is known per user; null: nothing stored (asked once, then remembered as such). */
  const known = new KvMirror<string | null>(remembered);

  return {
    preload: () => known.preload(kv, (value) => value.languageCode),
    async seen(userId, languageCode) {
      if (!languageCode || known.get(String(userId)) === languageCode) return;
      known.remember(String(userId), languageCode);
      // Mostly a user seen for the first time (a change of language is rare).
      await kv.insertOrSet(String(userId), { languageCode });
    },
    async of(userId) {
      const cached = known.get(String(userId));
      if (cached !== undefined) return cached;
      if (known.complete) return null;
      const stored = await kv.get(String(userId));
      known.remember(String(userId), stored?.languageCode ?? null);
      return stored?.languageCode ?? null;
    },
  };
}
