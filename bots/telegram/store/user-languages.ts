import type { Models } from '../../../src/db/models/index.js';
import { kvScope } from '../../../src/db/kv-scope.js';

/**
 * The last `language_code` Telegram reported for each user, so a notice sent later (with no
 * update to read it from) still speaks the user's language. Written only when it changes.
 */
export interface UserLanguages {
  seen(userId: number, languageCode: string | undefined): Promise<void>;
  of(userId: number | string): Promise<string | null>;
}

export function userLanguages(models: Models): UserLanguages {
  const kv = kvScope<{ languageCode: string }>(models, 'tg-user');
  /** What is known per user; null: nothing stored (asked once, then remembered as such). */
  const known = new Map<string, string | null>();
  return {
    async seen(userId, languageCode) {
      if (!languageCode || known.get(String(userId)) === languageCode) return;
      known.set(String(userId), languageCode);
      await kv.set(String(userId), { languageCode });
    },
    async of(userId) {
      const cached = known.get(String(userId));
      if (cached !== undefined) return cached;
      const stored = await kv.get(String(userId));
      known.set(String(userId), stored?.languageCode ?? null);
      if (known.size > 50_000) known.delete(known.keys().next().value!);
      return stored?.languageCode ?? null;
    },
  };
}
