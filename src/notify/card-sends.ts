import { forgetCardRecords } from './card-records.js';
import { isDuplicateKey } from '../db/duplicate-key.js';
import type { Models } from '../db/models/index.js';
import type { JournalEvent } from '../db/models/journal-event.js';
import type { Ticket } from '../db/models/ticket.js';
import type { CardTarget } from './card-targets.js';
import type { CardVersions } from './card-versions.js';
import { ChannelError, type CardSource, type ChannelRegistry, type TicketCard } from './channel.js';
import type { DeliveryClaims } from './delivery-claims.js';
import type { LatestTicket, Send } from './deliver-event.js';
import { buildTicketCard } from './ticket-card.js';

export interface CardSendContext {
  models: Models;
  channels: ChannelRegistry;
  claims: DeliveryClaims;
  versions: CardVersions;
  /** Language of group chats (the org's). */
  locale: string;
  latest: LatestTicket;
}

/** Events that belong to the discussion under a card. */
const discussionEvents = new Set(['replied', 'noted']);

/**
 * The card a chat gets, rendered when the platform takes it: the newest state of the ticket
 * this process knows (never older than the event delivered), with the change that made it so.
 * A chat that lost sight of the ticket gets it without buttons and without anything internal.
 */
function cardSource(ctx: CardSendContext, chat: CardTarget, ticket: Ticket, event: JournalEvent, rendered: { version: number }): CardSource {
  const { models } = ctx;
  return async () => {
    const known = await ctx.latest(ticket._id);
    const current = known && known.ticket.version > ticket.version ? known : { ticket, event };
    const lastEvent =
      current.event?.seq === current.ticket.version
        ? current.event
        : ((await models.JournalEvent.findOne({ ticketId: ticket._id, seq: current.ticket.version }).lean<JournalEvent>()) ?? event);
    const card = await buildTicketCard(models, current.ticket, lastEvent, ctx.locale);
    rendered.version = current.ticket.version;
    return chat.live ? card : readOnly(models, card);
  };
}

async function readOnly(models: Models, card: TicketCard): Promise<TicketCard> {
  const lastPublic = card.lastEvent.internal
    ? await models.JournalEvent.findOne({ ticketId: card.ticket._id, internal: false }).sort({ seq: -1 }).lean<JournalEvent>()
    : card.lastEvent;
  return { ...card, lastEvent: lastPublic ?? card.lastEvent, readOnly: true };
}

/** Posts the card, or edits it when it shows less than this event; returns where it lives. */
async function deliverCard(ctx: CardSendContext, chat: CardTarget, ticket: Ticket, event: JournalEvent): Promise<string | null> {
  const { models } = ctx;
  const channel = ctx.channels.get(chat.platform)!;
  const rendered = { version: ticket.version };
  const source = cardSource(ctx, chat, ticket, event, rendered);
  let existing = chat.posted;
  if (!existing) {
    let posted: string | null = null;
    await ctx.claims.once(`card:${ticket._id.toString()}:${chat.platform}:${chat.chatId}`, async () => {
      try {
        const { messageId } = await channel.postCard(chat.chatId, source);
        posted = messageId;
        const where = { ticketId: ticket._id, platform: chat.platform, chatId: chat.chatId };
        await models.CardMessage.create({ ...where, ticketNumber: ticket.number, messageId, version: rendered.version }).catch((error: unknown) => {
          if (!isDuplicateKey(error)) throw error;
        });
        forgetCardRecords(models, ticket._id);
      } catch (error) {
        // The chat moved (a group upgraded to a supergroup); the channel posted the card there.
        if (error instanceof ChannelError && error.movedTo) return;
        throw error;
      }
    });
    if (posted) return posted;
    // Posted by an earlier delivery (after this one was planned): edit it if it shows less.
    existing = await models.CardMessage.findOne({ ticketId: ticket._id, platform: chat.platform, chatId: chat.chatId }).lean();
    if (!existing) return null;
  }
  const frozenChanges = Boolean(existing.frozen) !== !chat.live;
  // Shows this change or a later one already (an edit for a later change covered it): nothing to do.
  if (ctx.versions.shownOn(existing) >= ticket.version && !frozenChanges) return existing.messageId;
  await channel.updateCard(chat.chatId, existing.messageId, source);
  if (frozenChanges) {
    await models.CardMessage.updateOne({ _id: existing._id }, { $set: { version: rendered.version, frozen: !chat.live } });
    forgetCardRecords(models, ticket._id);
  }
  else ctx.versions.record(existing._id, rendered.version);
  return existing.messageId;
}

/**
 * The card of a ticket in one chat, with what goes with it there: a comment or note joins the
 * discussion under a live card (except where it was written), and an SLA alert answers it.
 */
export function planCardSends(ctx: CardSendContext, chat: CardTarget, ticket: Ticket, event: JournalEvent, alert: boolean): Send {
  const channel = ctx.channels.get(chat.platform)!;
  const where = `${chat.platform}:${chat.chatId}`;
  return {
    lane: chat.platform,
    what: 'card',
    target: where,
    async run() {
      const messageId = await deliverCard(ctx, chat, ticket, event);
      const card = { ticket, event, locale: ctx.locale };
      const writtenHere = event.origin?.platform === chat.platform && event.origin.chatId === chat.chatId;
      if (messageId && channel.postCardActivity && chat.live && discussionEvents.has(event.type) && !writtenHere) {
        await ctx.claims.once(`thread:${event._id.toString()}:${where}`, () => channel.postCardActivity!(chat.chatId, messageId, card));
      }
      if (chat.live && alert && channel.postChatNotice) {
        await ctx.claims.once(`alert:${event._id.toString()}:${where}`, () =>
          channel.postChatNotice!(chat.chatId, { kind: 'ticket_alert', ...card, cardMessageId: messageId ?? null }),
        );
      }
    },
  };
}
