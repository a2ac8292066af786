import type { Models } from '../../../src/db/models/index.js';
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
  const known = new Map<string, string | null>();
  /** Every stored language is in `known`: preloaded, and none forgotten since. */
  let complete = false;

  function remember(userId: string, languageCode: string | null): void {
    known.set(userId, languageCode);
    if (known.size > remembered) {
      known.delete(known.keys().next().value!);
      complete = false;
    }
  }

  return {
    async preload() {
      const stored = await kv.list(remembered + 1);
      // Complete unless there are more than fit, or remembering them forgets others.
      complete = stored.length <= remembered;
      for (const [userId, value] of stored.slice(0, remembered)) if (!known.has(userId)) remember(userId, value.languageCode);
    },
    async seen(userId, languageCode) {
      if (!languageCode || known.get(String(userId)) === languageCode) return;
      remember(String(userId), languageCode);
      // Mostly a user seen for the first time (a change of language is rare).
      await kv.insertOrSet(String(userId), { languageCode });
    },
    async of(userId) {
      const cached = known.get(String(userId));
      if (cached !== undefined) return cached;
      if (complete) return null;
      const stored = await kv.get(String(userId));
      remember(String(userId), stored?.languageCode ?? null);
      return stored?.languageCode ?? null;
    },
  };
}
