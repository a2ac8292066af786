import type { Context } from 'grammy';
import { cardAction } from '../ui/card-keyboard.js';

const cardActions = new Set<string>(Object.values(cardAction));

/** The ticket a card button names (`1:<action>:<number>:...`), read before the button is verified. */
function ticketOfButton(data: string | undefined): string | null {
  const [version, action, number] = data?.split(':') ?? [];
  return version === '1' && action && cardActions.has(action) && number && /^\d{1,12}$/.test(number) ? number : null;
}

/**
 * What an update must wait for (keys for @grammyjs/runner's sequentialize): an update waits
 * only for earlier updates that share a key. A private chat is one person's dialog, handled
 * in order (its session is read and written per update). A department group carries many
 * tickets and many agents: its updates about different tickets run side by side, one ticket's
 * in order (a press names its ticket), and one person's in order (their commands and answers).
 */
export function updateOrderKeys(ctx: Context): string[] {
  const chat = ctx.chat;
  const from = ctx.from?.id;
  if (!chat || chat.type === 'private') return [`chat:${chat?.id ?? from ?? ''}`];
  const keys: string[] = [];
  if (from !== undefined) keys.push(`person:${chat.id}:${from}`);
  const ticket = ticketOfButton(ctx.callbackQuery?.data);
  if (ticket) keys.push(`ticket:${ticket}`);
  // Nobody's (the group upgraded to a supergroup, the bot added or removed): the group's own.
  return keys.length ? keys : [`chat:${chat.id}`];
}
