import type { StorageAdapter } from 'grammy';
import type { Models } from '../../../src/db/models/index.js';
import type { SessionData } from '../context.js';
import { kvScope } from '../../../src/db/kv-scope.js';

/**
 * Dialog state lives in MongoDB (KvEntry scope `tg-session`), written after every update, so
 * a restart in the middle of /new or of the registration continues where the user was.
 */
export const SESSION_SCOPE = 'tg-session';

export function sessionStorage(models: Models): StorageAdapter<SessionData> {
  const kv = kvScope<SessionData>(models, SESSION_SCOPE);
  return {
    read: (key) => kv.get(key),
    // A JSON round trip drops undefined fields, which the driver would store as null.
    write: (key, value) => kv.set(key, JSON.parse(JSON.stringify(value)) as SessionData),
    delete: (key) => kv.delete(key),
  };
}
