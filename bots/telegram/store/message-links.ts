import type { Logger } from '../../../src/logger.js';
import type { Models } from '../../../src/db/models/index.js';
import { kvScope } from '../../../src/db/kv-scope.js';
import { writeBehind } from '../../../src/db/write-behind.js';

/**
 * What a bot message is about, so that replying to it acts on the right ticket: a comment
 * on #N, an agent's answer to a Reply/Note prompt, or a comment on a rating.
 */
export type MessageLink =
  | { kind: 'ticket'; ticket: number }
  | { kind: 'reply' | 'note'; ticket: number }
  | { kind: 'rating'; ticket: number; score: number };

export interface MessageLinks {
  remember(chatId: number | string, messageId: number, link: MessageLink): Promise<void>;
  find(chatId: number | string, messageId: number): Promise<MessageLink | null>;
  /** Writes what is remembered but not stored yet (at shutdown). */
  flush(): Promise<void>;
}

export const MESSAGE_LINK_SCOPE = 'tg-msg';

/** Links remembered in memory at most; the oldest go first (their record stays). */
const REMEMBERED = 20_000;
const WRITE_AFTER_MS = 200;

/**
 * Every notice, confirmation and prompt the bot sends is linked to its ticket. The link is
 * needed only when someone replies to the message, seconds or days later, so it is kept in
 * memory at once and written with the others a moment later, in one command. A crash in that
 * moment loses the links of the last messages: a requester's reply still finds its ticket by
 * the "#N" the message shows (features/replies.ts).
 */
export function messageLinks(models: Models, logger: Logger): MessageLinks {
  const kv = kvScope<MessageLink>(models, MESSAGE_LINK_SCOPE);
  const known = new Map<string, MessageLink>();
  const unwritten = writeBehind<[string, MessageLink]>({
    delayMs: WRITE_AFTER_MS,
    write: (batch) => kv.setMany(batch),
    onError: (error) => logger.warn({ err: error }, 'telegram: message links not stored; replies to those messages fall back to the ticket number they show'),
  });

  return {
    async remember(chatId, messageId, link) {
      const key = `${chatId}:${messageId}`;
      known.delete(key);
      known.set(key, link);
      if (known.size > REMEMBERED) known.delete(known.keys().next().value!);
      unwritten.add(key, [key, link]);
    },
    async find(chatId, messageId) {
      const key = `${chatId}:${messageId}`;
      return known.get(key) ?? (await kv.get(key)) ?? null;
    },
    flush: () => unwritten.flush(),
  };
}
