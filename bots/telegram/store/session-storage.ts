import type { StorageAdapter } from 'grammy';
import type { Models } from '../../../src/db/models/index.js';
import type { SessionData } from '../context.js';
import { KvMirror } from '../../../src/db/kv-mirror.js';
import { kvScope } from '../../../src/db/kv-scope.js';

/**
 * Dialog state lives in MongoDB (KvEntry scope `tg-session`), so a restart in the middle of
 * /new or of the registration continues where the user was.
 */
export const SESSION_SCOPE = 'tg-session';

/** Sessions remembered in memory at most; the oldest go first. */
const REMEMBERED = 10_000;
const EMPTY = '{}';

/**
 * grammY reads a chat's session before each update and writes it after. Most updates change
 * nothing (a comment, a button press), so a session is written only when it changed, and an
 * empty one is never stored. With `cacheReads` (long polling: Telegram hands every update of
 * the bot to this one process, and updates of one chat are handled in order) the session is
 * also kept in memory, so reading it costs nothing; with webhooks several instances may share
 * the updates, so it is read each time.
 */
export interface SessionStore extends StorageAdapter<SessionData> {
  /**
   * With `cacheReads`: reads every stored session (only dialogs in progress are stored), after
   * which a chat that is not known has none, and its first update costs no read.
   */
  preload(): Promise<void>;
}

/** `remembered`: sessions kept in memory at most (a seam for tests). */
export function sessionStorage(models: Models, options: { cacheReads: boolean; remembered?: number }): SessionStore {
  const kv = kvScope<SessionData>(models, SESSION_SCOPE);
  /** The session as last read or written, as JSON (EMPTY: none stored). */
  const known = new KvMirror<string>(options.remembered ?? REMEMBERED);

  return {
    async preload() {
      if (options.cacheReads) await known.preload(kv, (value) => JSON.stringify(value));
    },
    async read(key) {
      const cached = options.cacheReads ? known.get(key) : undefined;
      if (cached !== undefined) return cached === EMPTY ? undefined : (JSON.parse(cached) as SessionData);
      if (options.cacheReads && known.complete) return undefined;
      const value = await kv.get(key);
      known.remember(key, value ? JSON.stringify(value) : EMPTY);
      return value;
    },
    async write(key, value) {
      // A JSON round trip drops undefined fields, which the driver would store as null.
      const json = JSON.stringify(value);
      if (known.get(key) === json) return;
      if (json === EMPTY) {
        if (known.get(key) !== undefined) await kv.delete(key);
      } else {
        await kv.set(key, JSON.parse(json) as SessionData);
      }
      known.remember(key, json);
    },
    async delete(key) {
      await kv.delete(key);
      known.remember(key, EMPTY);
    },
  };
}
