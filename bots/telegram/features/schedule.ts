import { Composer } from 'grammy';
import type { Clock } from '../../../src/clock.js';
import { runScheduleCommand } from '../../../src/tickets/recurring/chat-command.js';
import { createScheduleService } from '../../../src/tickets/recurring/schedule-service.js';
import type { BotContext } from '../context.js';
import { replyParameters, requireActor } from '../runtime/guards.js';
import type { BotServices } from '../services.js';

/** Telegram refuses messages over 4096 characters: a long list goes out in parts, whole schedules each. */
const MESSAGE_MAX = 4000;

function messageParts(text: string): string[] {
  const parts: string[] = [];
  for (const block of text.split('\n\n')) {
    const last = parts.length - 1;
    if (last >= 0 && parts[last]!.length + block.length + 2 <= MESSAGE_MAX) parts[last] += `\n\n${block}`;
    else parts.push(block.slice(0, MESSAGE_MAX));
  }
  return parts;
}

/**
 * `/schedule list|add|pause|resume|remove` for managers, in private chats and groups: recurring
 * tickets managed from the phone. The answer is plain text (no parse mode), so nothing a
 * manager types can break the markup; refusals go to the error boundary.
 */
export function scheduleFeature(services: BotServices, clock: Clock): Composer<BotContext> {
  const schedules = createScheduleService({ models: services.models, clock });
  const composer = new Composer<BotContext>();

  composer.command('schedule', async (ctx) => {
    const actor = requireActor(ctx);
    const text = await runScheduleCommand(schedules, actor, ctx.match, { t: ctx.t, locale: ctx.locale, command: '/schedule' });
    for (const part of messageParts(text)) await ctx.reply(part, replyParameters(ctx));
  });

  return composer;
}
