import type { Models } from '../db/models/index.js';
import type { JournalEvent } from '../db/models/journal-event.js';
import { pickLocalized } from '../db/models/localized.js';
import type { Ticket } from '../db/models/ticket.js';
import { isDuplicateKey } from '../db/duplicate-key.js';
import type { Logger } from '../logger.js';
import { identitiesOf } from '../people/directory.js';
import { trusted } from '../db/connection.js';
import { boundChats, type BoundChat } from './bound-chats.js';
import { ChannelError, type ChannelRegistry, type ChatPlatform, type TicketCard } from './channel.js';
import { recipientsOf, type Recipient } from './recipients.js';
import { withRetry } from './retry.js';

export interface NotifierOptions {
  models: Models;
  channels: ChannelRegistry;
  logger: Logger;
  /** Language of group chats (the org's). */
  locale: string;
  retry?: { attempts?: number; baseDelayMs?: number };
}

/**
 * Turns journal events into chat deliveries: every bound chat's card is posted or edited in
 * place, and the people concerned get a direct message on their platform. Deliveries of one
 * ticket run in order; each is recorded so a repeated event never sends twice.
 */
export function createNotifier(options: NotifierOptions) {
  const { models, channels, logger } = options;
  const queues = new Map<string, Promise<void>>();

  async function once(key: string, deliver: () => Promise<void>): Promise<void> {
    if (await models.KvEntry.exists({ scope: 'delivered', key })) return;
    await deliver();
    await models.KvEntry.create({ scope: 'delivered', key, value: true }).catch((error: unknown) => {
      if (!isDuplicateKey(error)) throw error;
    });
  }

  async function renderCard(ticket: Ticket, event: JournalEvent): Promise<TicketCard> {
    const [department, earlier] = await Promise.all([
      models.Department.findOne({ key: ticket.department }).lean(),
      models.Ticket.countDocuments({ requesterId: ticket.requesterId, number: trusted({ $lt: ticket.number }) }),
    ]);
    return {
      ticket,
      lastEvent: event,
      requesterTicketCount: earlier,
      departmentName: pickLocalized(department?.name, options.locale) || ticket.department,
      locale: options.locale,
    };
  }

  async function deliverCard(chat: BoundChat, card: TicketCard): Promise<void> {
    const channel = channels.get(chat.platform);
    if (!channel) return;
    const { ticket } = card;
    const existing = await models.CardMessage.findOne({ ticketId: ticket._id, platform: chat.platform, chatId: chat.chatId }).lean();
    if (existing && existing.version >= ticket.version) return;
    if (existing) {
      await withRetry(() => channel.updateCard(chat.chatId, existing.messageId, card), options.retry);
      await models.CardMessage.updateOne({ _id: existing._id }, { $set: { version: ticket.version } });
      return;
    }
    const { messageId } = await withRetry(() => channel.postCard(chat.chatId, card), options.retry);
    await models.CardMessage.create({
      ticketId: ticket._id,
      ticketNumber: ticket.number,
      platform: chat.platform,
      chatId: chat.chatId,
      messageId,
      version: ticket.version,
    }).catch((error: unknown) => {
      if (!isDuplicateKey(error)) throw error;
    });
  }

  async function cardTargets(ticket: Ticket): Promise<BoundChat[]> {
    const targets = new Map<string, BoundChat>();
    for (const chat of await boundChats(models, ticket.department)) targets.set(`${chat.platform}:${chat.chatId}`, chat);
    // Cards already posted elsewhere (before a transfer) keep showing the truth.
    for (const card of await models.CardMessage.find({ ticketId: ticket._id }).lean()) {
      targets.set(`${card.platform}:${card.chatId}`, { platform: card.platform, chatId: card.chatId });
    }
    return [...targets.values()];
  }

  async function deliverDirect(event: JournalEvent, ticket: Ticket, recipient: Recipient): Promise<void> {
    const person = await models.Person.findOne({ _id: recipient.personId, active: true }).lean();
    if (!person) return;
    const identities = (await identitiesOf(models, person._id)).filter((identity) =>
      channels.get(identity.platform as ChatPlatform),
    );
    // A requester hears back where they opened the ticket, when that platform is linked.
    const preferred =
      identities.find((identity) => recipient.audience === 'requester' && identity.platform === ticket.source) ??
      identities[0];
    if (!preferred) return;
    const channel = channels.get(preferred.platform as ChatPlatform)!;
    await once(`${event._id.toString()}:${person._id.toString()}`, () =>
      withRetry(
        () => channel.sendDirect(preferred.externalId, { ticket, event, locale: person.locale ?? options.locale, audience: recipient.audience }),
        options.retry,
      ),
    );
  }

  async function handle(event: JournalEvent, ticket: Ticket): Promise<void> {
    const card = await renderCard(ticket, event);
    for (const chat of await cardTargets(ticket)) {
      await deliverCard(chat, card).catch((error: unknown) => logFailure(error, 'card', ticket, chat.chatId));
    }
    for (const recipient of recipientsOf(event, ticket)) {
      await deliverDirect(event, ticket, recipient).catch((error: unknown) =>
        logFailure(error, 'direct message', ticket, recipient.personId.toString()),
      );
    }
  }

  function logFailure(error: unknown, what: string, ticket: Ticket, target: string): void {
    const permanent = error instanceof ChannelError && !error.retryable;
    logger[permanent ? 'warn' : 'error']({ err: error, ticket: ticket.number, target }, `${what} delivery failed`);
  }

  return {
    /** Queues the deliveries of one event behind the earlier ones of the same ticket. */
    notify(event: JournalEvent, ticket: Ticket): Promise<void> {
      const key = ticket._id.toString();
      const next = (queues.get(key) ?? Promise.resolve()).then(() => handle(event, ticket));
      const settled = next.catch(() => undefined);
      queues.set(key, settled);
      void settled.then(() => {
        if (queues.get(key) === settled) queues.delete(key);
      });
      return next;
    },
    /** Resolves when every queued delivery has finished (for shutdown and tests). */
    async drain(): Promise<void> {
      while (queues.size > 0) await Promise.all([...queues.values()]);
    },
  };
}

export type Notifier = ReturnType<typeof createNotifier>;
