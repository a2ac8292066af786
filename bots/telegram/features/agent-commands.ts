import { Composer } from 'grammy';
import type { Ticket } from '../../../src/db/models/ticket.js';
import { openStatuses } from '../../../src/tickets/state-machine.js';
import type { BotContext } from '../context.js';
import { numberField, onButton } from '../runtime/buttons.js';
import { replyParameters, requireActor } from '../runtime/guards.js';
import type { BotServices } from '../services.js';
import { keyboardOf } from '../ui/keyboard.js';
import { ticketButtons } from '../ui/ticket-list.js';
import type { TicketViews } from './ticket-views.js';

const VIEW = 'vw';
const LIST_SIZE = 10;

/**
 * Agents' commands, in groups and in private: /next (take the oldest unassigned ticket of my
 * departments), /find <words>, /ticket <number>, /mine (my open tickets). Lists show one
 * button per ticket; a tap shows its card. In a group, only the group's department counts.
 */
export function agentCommandsFeature(services: BotServices, views: TicketViews): Composer<BotContext> {
  const { tickets, codec } = services;
  const composer = new Composer<BotContext>();

  async function list(ctx: BotContext, items: Ticket[], total: number, key: string, params: Record<string, string | number> = {}) {
    if (total === 0) {
      await ctx.reply(ctx.t(`${key}.empty`, params), replyParameters(ctx));
      return;
    }
    const more = total > items.length ? `\n${ctx.t('tg.list.more', { count: total - items.length })}` : '';
    await ctx.reply(`${ctx.t(`${key}.title`, { ...params, total })}${more}`, {
      ...replyParameters(ctx),
      reply_markup: keyboardOf(ticketButtons(codec, ctx.chat!.id, items, VIEW)),
    });
  }

  /** The department filter of a list here: none in private, the group's own in a bound group. */
  async function scope(ctx: BotContext): Promise<{ department?: string } | null> {
    const room = await views.roomOf(ctx);
    if (room.kind === 'private') return {};
    if (room.department) return { department: room.department };
    await ctx.reply(ctx.t('tg.group.unbound'), replyParameters(ctx));
    return null;
  }

  composer.command('next', async (ctx) => {
    const actor = requireActor(ctx);
    const where = await scope(ctx);
    if (!where) return;
    // In a department's group, that department's queue; in private, all of the agent's.
    const result = await tickets.takeNext(actor, 'telegram', where.department);
    if (!result) {
      await ctx.reply(ctx.t('tg.next.empty'), replyParameters(ctx));
      return;
    }
    const { ticket } = result;
    await views.showCard(ctx, ticket, ctx.t('tg.next.taken', { number: ticket.number, title: ticket.title }));
  });

  composer.command('ticket', async (ctx) => {
    const number = Number(ctx.match.trim().replace(/^#/, ''));
    if (!Number.isSafeInteger(number) || number <= 0) {
      await ctx.reply(ctx.t('tg.ticket.usage'), replyParameters(ctx));
      return;
    }
    await views.show(ctx, number);
  });

  composer.command('find', async (ctx) => {
    const q = ctx.match.trim();
    if (!q) {
      await ctx.reply(ctx.t('tg.find.usage'), replyParameters(ctx));
      return;
    }
    const actor = requireActor(ctx);
    const where = await scope(ctx);
    if (!where) return;
    const result = await tickets.list(actor, { ...where, q, pageSize: LIST_SIZE, sort: 'newest' });
    await list(ctx, result.items, result.total, 'tg.find', { q });
  });

  composer.command('mine', async (ctx) => {
    const actor = requireActor(ctx);
    const where = await scope(ctx);
    if (!where) return;
    const result = await tickets.list(actor, { ...where, assignee: actor.id, status: [...openStatuses], pageSize: LIST_SIZE, sort: 'oldest' });
    await list(ctx, result.items, result.total, 'tg.mine');
  });

  composer.filter(onButton(VIEW), async (ctx) => {
    await views.show(ctx, numberField(ctx, 0));
  });

  return composer;
}
