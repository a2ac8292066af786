import { Composer } from 'grammy';
import type { BotContext } from '../context.js';
import { numberField, onButton } from '../runtime/buttons.js';
import { requireActor } from '../runtime/guards.js';
import type { BotServices } from '../services.js';
import { keyboardOf } from '../ui/keyboard.js';
import { pagerRow, ticketButtons } from '../ui/ticket-list.js';
import type { TicketViews } from './ticket-views.js';

const PAGE = 'mp';
const VIEW = 'mv';
const PAGE_SIZE = 5;

/**
 * /my: the requester's own tickets, newest first, five per page with ◀ ▶; tapping one shows
 * its public history (never internal notes, even to a requester who is also staff).
 */
export function myTicketsFeature(services: BotServices, views: TicketViews): Composer<BotContext> {
  const { tickets, codec } = services;
  const composer = new Composer<BotContext>();

  async function page(ctx: BotContext, number: number): Promise<{ text: string; keyboard: ReturnType<typeof keyboardOf> }> {
    const actor = requireActor(ctx);
    const result = await tickets.list(actor, { requester: actor.id, page: number, pageSize: PAGE_SIZE, sort: 'newest' });
    const pages = Math.max(1, Math.ceil(result.total / PAGE_SIZE));
    const text = result.total === 0 ? ctx.t('tg.my.empty') : ctx.t('tg.my.title', { total: result.total, page: result.page, pages });
    const chatId = ctx.chat!.id;
    return {
      text,
      keyboard: keyboardOf([...ticketButtons(codec, chatId, result.items, VIEW), pagerRow(ctx, codec, chatId, PAGE, result.page, pages)]),
    };
  }

  composer.command('my', async (ctx) => {
    if (ctx.chat.type !== 'private') {
      await ctx.reply(ctx.t('tg.private_only'));
      return;
    }
    const { text, keyboard } = await page(ctx, 1);
    await ctx.reply(text, { reply_markup: keyboard });
  });

  composer.filter(onButton(PAGE), async (ctx) => {
    const { text, keyboard } = await page(ctx, Math.max(1, numberField(ctx, 0)));
    await services.optional('turning a /my page', ctx.editMessageText(text, { reply_markup: keyboard }));
  });

  composer.filter(onButton(VIEW), async (ctx) => {
    await views.sendHistory(ctx, numberField(ctx, 0), { publicOnly: true });
  });

  return composer;
}
