import type { Api, InlineKeyboard } from 'grammy';
import type { ForceReply, Message } from 'grammy/types';
import { packMessages, type Html } from '../ui/html.js';

export interface SendOptions {
  keyboard?: InlineKeyboard | ForceReply;
  /** Reply to this message (in the same chat); sent anyway if it is gone. */
  replyTo?: number;
}

/** HTML, no link previews: a ticket text with a URL must not turn into a big preview card. */
export const htmlMode = { parse_mode: 'HTML', link_preview_options: { is_disabled: true } } as const;

/**
 * Sends blocks as few messages as fit Telegram's 4096-character limit; the keyboard goes on
 * the last one, the reply reference on the first.
 */
export async function sendHtml(api: Api, chatId: number | string, blocks: Html[], options: SendOptions = {}): Promise<Message[]> {
  const messages = packMessages(blocks);
  const sent: Message[] = [];
  for (const [index, text] of messages.entries()) {
    const last = index === messages.length - 1;
    sent.push(
      await api.sendMessage(chatId, text.value, {
        ...htmlMode,
        ...(index === 0 && options.replyTo ? { reply_parameters: { message_id: options.replyTo, allow_sending_without_reply: true } } : {}),
        ...(last && options.keyboard ? { reply_markup: options.keyboard } : {}),
      }),
    );
  }
  return sent;
}
