import { saveCardRecord } from '../../../src/notify/card-records.js';
import type { Ticket } from '../../../src/db/models/ticket.js';
import { departmentOfChat } from '../../../src/notify/bound-chats.js';
import { can } from '../../../src/people/policy.js';
import type { BotContext } from '../context.js';
import { isGroup, replyParameters, requireActor } from '../runtime/guards.js';
import { htmlMode, sendHtml } from '../runtime/send.js';
import type { BotServices } from '../services.js';
import { renderHistory } from '../ui/history.js';

/** Where a command runs: a private chat, or a group and the department it is bound to (null: none). */
export type Room = { kind: 'private' } | { kind: 'group'; department: string | null };

/**
 * Ways to show one ticket in the chat that asked: its history, or its live card for staff.
 * A group is a department's staff room: it only ever shows tickets of its own department,
 * so nobody in it reads a ticket (or a note) the policy would hide from them.
 */
export function ticketViews(services: BotServices) {
  const { tickets, models, cards, links } = services;

  async function roomOf(ctx: BotContext): Promise<Room> {
    if (!isGroup(ctx)) return { kind: 'private' };
    return { kind: 'group', department: await departmentOfChat(models, 'telegram', String(ctx.chat!.id)) };
  }

  /** True when the ticket may be shown here; otherwise says where to look and returns false. */
  async function fitsRoom(ctx: BotContext, ticket: Ticket): Promise<boolean> {
    const room = await roomOf(ctx);
    if (room.kind === 'private' || room.department === ticket.department) return true;
    const text = ctx.t('tg.ticket.elsewhere', { number: ticket.number });
    if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text, show_alert: true });
    else await ctx.reply(text, replyParameters(ctx));
    return false;
  }

  async function sendHistory(ctx: BotContext, number: number, options: { publicOnly: boolean; replyTo?: number }): Promise<void> {
    const actor = requireActor(ctx);
    const [ticket, journal] = await Promise.all([tickets.get(actor, number), tickets.journal(actor, number)]);
    if (!(await fitsRoom(ctx, ticket))) return;
    // A press is answered before the history goes out: in a busy group it may wait its turn.
    if (ctx.callbackQuery) await ctx.answerCallbackQuery();
    const events = options.publicOnly ? journal.filter((event) => !event.internal) : journal;
    const names = await cards.departmentNames(ctx.locale);
    const blocks = renderHistory(ctx, ticket, events, {
      timeZone: services.org.timezone,
      departmentName: (key) => names.get(key)?.name ?? key,
    });
    if (ctx.chat?.type === 'private') blocks.push(ctx.html(ticket.status === 'closed' ? 'tg.notice.closed_hint' : 'tg.notice.reply_hint', { number }));
    const sent = await sendHtml(ctx.api, ctx.chat!.id, blocks, options.replyTo ? { replyTo: options.replyTo } : {});
    for (const message of sent) await links.remember(message.chat.id, message.message_id, { kind: 'ticket', ticket: number });
  }

  /**
   * The ticket's card in this chat, recorded like a group card so that every later change
   * edits it too. In a group that already has the card, points at it instead of a copy.
   */
  async function showCard(ctx: BotContext, ticket: Ticket, note?: string): Promise<void> {
    if (!(await fitsRoom(ctx, ticket))) return;
    const chatId = String(ctx.chat!.id);
    const existing = await models.CardMessage.findOne({ ticketId: ticket._id, platform: 'telegram', chatId }).lean();
    if (existing && isGroup(ctx)) {
      await ctx.reply(note ?? ctx.t('tg.ticket.here', { number: ticket.number }), {
        reply_parameters: { message_id: Number(existing.messageId), allow_sending_without_reply: true },
      });
      return;
    }
    if (note) await ctx.reply(note, replyParameters(ctx));
    const card = await cards.cardOf(ticket);
    const { text, keyboard } = await cards.render(card, chatId);
    const message = await ctx.reply(text.value, { ...htmlMode, ...(keyboard ? { reply_markup: keyboard } : {}) });
    // In a private chat the card is one person's: it follows the ticket only while they may see it.
    const viewerId = ctx.chat?.type === 'private' ? requireActor(ctx).id : null;
    await saveCardRecord(models, { ticketId: ticket._id, platform: 'telegram', chatId: String(chatId) }, { messageId: String(message.message_id), version: ticket.version, ticketNumber: ticket.number, viewerId, frozen: false });
  }

  /** Staff who work the ticket get its card; everyone else (the requester) its public history. */
  async function show(ctx: BotContext, number: number): Promise<void> {
    const actor = requireActor(ctx);
    const ticket = await tickets.get(actor, number);
    if (can(actor, 'view_internal', ticket)) await showCard(ctx, ticket);
    else await sendHistory(ctx, number, { publicOnly: true });
  }

  return { sendHistory, showCard, show, roomOf };
}

export type TicketViews = ReturnType<typeof ticketViews>;
