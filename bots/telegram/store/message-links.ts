import type { Models } from '../../../src/db/models/index.js';
import { kvScope } from '../../../src/db/kv-scope.js';

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
}

export const MESSAGE_LINK_SCOPE = 'tg-msg';

export function messageLinks(models: Models): MessageLinks {
  const kv = kvScope<MessageLink>(models, MESSAGE_LINK_SCOPE);
  return {
    remember: (chatId, messageId, link) => kv.set(`${chatId}:${messageId}`, link),
    find: async (chatId, messageId) => (await kv.get(`${chatId}:${messageId}`)) ?? null,
  };
}
