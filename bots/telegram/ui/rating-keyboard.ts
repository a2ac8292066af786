import type { InlineKeyboard } from 'grammy';
import type { CallbackCodec } from './callback-data.js';
import { keyboardOf } from './keyboard.js';

export const RATE_ACTION = 'rt';

/** 1-5 stars under a "resolved" notice. */
export function ratingKeyboard(codec: CallbackCodec, chatId: number | string, ticket: number): InlineKeyboard {
  return keyboardOf([[1, 2, 3, 4, 5].map((score) => ({ text: `${score} ⭐`, data: codec.encode(chatId, RATE_ACTION, ticket, score) }))]);
}
