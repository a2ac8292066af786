import type { Types } from 'mongoose';
import type { Clock } from '../clock.js';
import { trusted } from '../db/connection.js';
import { isDuplicateKey } from '../db/duplicate-key.js';
import type { Models } from '../db/models/index.js';
import type { JournalEvent } from '../db/models/journal-event.js';
import { pickLocalized } from '../db/models/localized.js';
import type { Ticket } from '../db/models/ticket.js';
import type { Logger } from '../logger.js';
import type { CardMessageDoc } from '../db/models/card-message.js';
import type { DepartmentDoc } from '../db/models/department.js';
import type { PersonDoc } from '../db/models/person.js';
import { actorFromPerson } from '../people/actor.js';
import { identitiesOf, linkIdentity } from '../people/directory.js';
import { can } from '../people/policy.js';
import { boundChats, type BoundChat } from './bound-chats.js';
import { ChannelError, type ChannelRegistry, type ChatPlatform, type NoticeAudience, type TicketCard } from './channel.js';
import { createDeliveryClaims } from './delivery-claims.js';
import { recipientsOf, staffEvents, type Recipient, type StaffToTell } from './recipients.js';
import { serializeByKey } from './serialize-by-key.js';

/** Who an e-mail goes to: a person of the directory, or a department's mailbox. */
export interface EmailRecipient {
  address: string;
  locale: string;
  audience: NoticeAudience | 'department';
}

/**
 * The outbox's way to e-mail (src/notify/email): composes the mail of an event for one
 * recipient (null when that event is not mailed to that audience) and sends it.
 */
export interface EmailOutlet {
  compose(ticket: Ticket, event: JournalEvent, to: EmailRecipient, departmentName: string): Promise<object | null>;
  send(message: object): Promise<void>;
}

export interface EventDeliveryOptions {
  models: Models;
  channels: ChannelRegistry;
  logger: Logger;
  /** Language of group chats (the org's). */
  locale: string;
  clock: Clock;
  /** E-mail, when SMTP is configured. */
  email?: EmailOutlet | null;
  /** How long a sender owns a delivery before a retry may take it over (10 minutes). */
  leaseMs?: number;
}

/** Events posted as an alert in the department's chats, besides the card: a breach, and a reminder nobody would get. */
function alertsChats(event: JournalEvent, assigneeId: Types.ObjectId | null): boolean {
  return event.type === 'sla_breached' || (event.type === 'sla_reminder' && !assigneeId);
}

/** A chat showing the ticket's card; `live` while the chat may see the ticket. */
interface CardTarget extends BoundChat {
  live: boolean;
  /** The card already posted there, if any. */
  posted: CardMessageDoc & { _id: Types.ObjectId } | null;
}

/** What the outbox knows of an event when it is journaled. */
export interface EventToDeliver {
  eventId: Types.ObjectId;
  ticketId: Types.ObjectId;
  /**
   * The assignee right after the change: notices go to who was in charge then, even when
   * the ticket moved on before the delivery ran. Unknown for events found by the start-up sweep.
   */
  assigneeId?: Types.ObjectId | null;
}

/** Events that belong to the discussion under a card. */
const discussionEvents = new Set(['replied', 'noted']);

/** Some targets of an event could not be reached yet, for a reason that may pass (platform down). */
export class DeliveryIncomplete extends Error {
  readonly retryAfterMs: number | null;

  constructor(failures: { target: string; error: unknown }[]) {
    super(`delivery incomplete for ${failures.map((failure) => failure.target).join(', ')}`);
    this.name = 'DeliveryIncomplete';
    const asked = failures.map((failure) => (failure.error instanceof ChannelError ? failure.error.retryAfterMs : null));
    this.retryAfterMs = asked.reduce<number | null>((max, ms) => (ms != null && (max == null || ms > max) ? ms : max), null);
  }
}

/**
 * Delivers one journal event: every chat showing the ticket gets its card posted or edited
 * in place (rendered from the ticket as it is now, so a late delivery never shows an old
 * state), and the people concerned get a personal notice on their platform. Idempotent: a
 * retry only does what is still owed. Deliveries of one ticket run one after another.
 */
export function createEventDelivery(options: EventDeliveryOptions) {
  const { models, channels, logger } = options;
  const claims = createDeliveryClaims(models, options.clock, options.leaseMs);
  const serial = serializeByKey();

  async function renderCard(ticket: Ticket, department: DepartmentDoc | null, fallback: JournalEvent): Promise<TicketCard> {
    const [earlier, latest] = await Promise.all([
      models.Ticket.countDocuments({ requesterId: ticket.requesterId, number: trusted({ $lt: ticket.number }) }),
      fallback.seq === ticket.version ? fallback : models.JournalEvent.findOne({ ticketId: ticket._id, seq: ticket.version }).lean<JournalEvent>(),
    ]);
    return {
      ticket,
      lastEvent: latest ?? fallback,
      requesterTicketCount: earlier,
      departmentName: pickLocalized(department?.name, options.locale) || ticket.department,
      locale: options.locale,
    };
  }

  /** Whether a card outside the department's chats may still follow the ticket. */
  async function viewerMaySee(viewerId: Types.ObjectId | null | undefined, ticket: Ticket): Promise<boolean> {
    if (!viewerId) return false; // a group of another department: it lost sight with the transfer
    const viewer = await models.Person.findOne({ _id: viewerId, active: true }).lean<PersonDoc>();
    return viewer !== null && can(actorFromPerson(viewer), 'view_internal', ticket);
  }

  /**
   * Where the ticket's card lives: the chats bound to its department, and cards posted before
   * in other chats. These follow the ticket only while their chat may see it (a person's own
   * chat, per the access policy); the others get one last, read-only render and stay as they are.
   */
  async function cardTargets(ticket: Ticket, department: DepartmentDoc | null): Promise<CardTarget[]> {
    const posted = new Map((await models.CardMessage.find({ ticketId: ticket._id }).lean()).map((card) => [`${card.platform}:${card.chatId}`, card]));
    const targets = new Map<string, CardTarget>();
    for (const chat of await boundChats(models, ticket.department, department)) {
      const key = `${chat.platform}:${chat.chatId}`;
      targets.set(key, { ...chat, live: true, posted: posted.get(key) ?? null });
    }
    for (const [key, card] of posted) {
      if (targets.has(key) || card.frozen) continue;
      targets.set(key, { platform: card.platform, chatId: card.chatId, live: await viewerMaySee(card.viewerId, ticket), posted: card });
    }
    return [...targets.values()].filter((chat) => channels.get(chat.platform));
  }

  /** The last render for a chat that lost sight: no buttons, and nothing internal. */
  async function readOnlyCard(card: TicketCard): Promise<TicketCard> {
    const lastPublic = card.lastEvent.internal
      ? await models.JournalEvent.findOne({ ticketId: card.ticket._id, internal: false }).sort({ seq: -1 }).lean<JournalEvent>()
      : card.lastEvent;
    return { ...card, lastEvent: lastPublic ?? card.lastEvent, readOnly: true };
  }

  /** Posts or edits the card; returns where it lives, for the discussion under it. */
  async function deliverCard(chat: CardTarget, card: TicketCard): Promise<string | null> {
    const channel = channels.get(chat.platform)!;
    const { ticket } = card;
    const existing = chat.posted;
    if (existing) {
      if (existing.version >= ticket.version && Boolean(existing.frozen) === !chat.live) return existing.messageId;
      await channel.updateCard(chat.chatId, existing.messageId, chat.live ? card : await readOnlyCard(card));
      await models.CardMessage.updateOne({ _id: existing._id }, { $set: { version: Math.max(existing.version, ticket.version), frozen: !chat.live } });
      return existing.messageId;
    }
    let posted: string | null = null;
    await claims.once(`card:${ticket._id.toString()}:${chat.platform}:${chat.chatId}`, async () => {
      try {
        const { messageId } = await channel.postCard(chat.chatId, card);
        posted = messageId;
        const where = { ticketId: ticket._id, platform: chat.platform, chatId: chat.chatId };
        await models.CardMessage.create({ ...where, ticketNumber: ticket.number, messageId, version: ticket.version }).catch((error: unknown) => {
          if (!isDuplicateKey(error)) throw error;
        });
      } catch (error) {
        // The chat moved (a group upgraded to a supergroup); the channel posted the card there.
        if (error instanceof ChannelError && error.movedTo) return;
        throw error;
      }
    });
    if (posted) return posted;
    // Posted by an earlier attempt of this delivery: the record says where.
    const stored = await models.CardMessage.findOne({ ticketId: ticket._id, platform: chat.platform, chatId: chat.chatId }).lean();
    return stored?.messageId ?? null;
  }

  /** A comment or note joins the discussion under each live card, except where it was written. */
  async function deliverActivity(chat: CardTarget, messageId: string, event: JournalEvent, card: TicketCard): Promise<void> {
    const channel = channels.get(chat.platform)!;
    if (!channel.postCardActivity || !chat.live || !discussionEvents.has(event.type)) return;
    if (event.origin?.platform === chat.platform && event.origin.chatId === chat.chatId) return;
    await claims.once(`thread:${event._id.toString()}:${chat.platform}:${chat.chatId}`, () =>
      channel.postCardActivity!(chat.chatId, messageId, { ticket: card.ticket, event, locale: card.locale }),
    );
  }

  /** Finds a person on the platforms that can look people up by e-mail, and remembers the link. */
  async function discoverIdentities(personId: Types.ObjectId, email: string): Promise<{ platform: ChatPlatform; externalId: string }[]> {
    const found: { platform: ChatPlatform; externalId: string }[] = [];
    for (const channel of channels.list()) {
      const externalId = channel.findUserByEmail ? await channel.findUserByEmail(email) : null;
      if (!externalId) continue;
      await linkIdentity(models, channel.platform, externalId, personId).catch((error: unknown) => {
        // Linked to someone else already: the org config decides, not a lookup.
        logger.warn({ err: error, platform: channel.platform }, 'a platform account found by e-mail belongs to another person: not linked');
      });
      if (await models.Identity.exists({ platform: channel.platform, externalId, personId })) found.push({ platform: channel.platform, externalId });
    }
    return found;
  }

  /** An SLA alert in a department chat, answering the ticket's card there when it is posted. */
  async function deliverChatAlert(chat: CardTarget, cardMessageId: string | null, event: JournalEvent, card: TicketCard): Promise<void> {
    const channel = channels.get(chat.platform)!;
    if (!channel.postChatNotice) return;
    await claims.once(`alert:${event._id.toString()}:${chat.platform}:${chat.chatId}`, () =>
      channel.postChatNotice!(chat.chatId, { kind: 'ticket_alert', ticket: card.ticket, event, locale: card.locale, cardMessageId }),
    );
  }

  /** The coordinators of the ticket's department, the managers, and its on-duty people. */
  async function staffToTell(ticket: Ticket, department: DepartmentDoc | null): Promise<StaffToTell> {
    const onDutyEmails = ((department?.settings as { onDuty?: string[] } | undefined)?.onDuty ?? []);
    const [coordinators, managers, onDuty] = await Promise.all([
      models.Person.find({ role: 'coordinator', departments: ticket.department, active: true }).select({ _id: 1 }).lean(),
      models.Person.find({ role: 'manager', active: true }).select({ _id: 1 }).lean(),
      onDutyEmails.length ? models.Person.find({ email: trusted({ $in: onDutyEmails }), active: true }).select({ _id: 1 }).lean() : [],
    ]);
    const ids = (people: { _id: Types.ObjectId }[]) => people.map((person) => person._id);
    return { coordinators: ids(coordinators), managers: ids(managers), onDuty: ids(onDuty) };
  }

  async function deliverEmail(key: string, ticket: Ticket, event: JournalEvent, to: EmailRecipient, departmentName: string): Promise<void> {
    const email = options.email;
    if (!email) return;
    const message = await email.compose(ticket, event, to, departmentName);
    if (!message) return;
    await claims.once(key, () => email.send(message));
  }

  /**
   * A person's notice: in chat on their platform (the one the requester wrote from, when
   * linked), and by e-mail when they chose it or no chat reaches them. A muted person gets
   * nothing, except on-duty alerts, which go by chat and e-mail both.
   */
  async function deliverDirect(event: JournalEvent, ticket: Ticket, recipient: Recipient, departmentName: string): Promise<void> {
    const person = await models.Person.findOne({ _id: recipient.personId, active: true }).lean<PersonDoc>();
    if (!person) return;
    const onDuty = recipient.audience === 'on_duty';
    const chosen = person.notify?.channels ?? [];
    if (person.notify?.muted && !onDuty) return;
    const allowed = (channel: string) => onDuty || chosen.length === 0 || chosen.includes(channel);
    let identities = (await identitiesOf(models, person._id)).filter((identity) => channels.get(identity.platform as ChatPlatform));
    if (identities.length === 0 && person.email) identities = await discoverIdentities(person._id, person.email);
    identities = identities.filter((identity) => allowed(identity.platform));
    // A requester hears back where they opened the ticket, when that platform is linked.
    const preferred =
      identities.find((identity) => recipient.audience === 'requester' && identity.platform === ticket.source) ?? identities[0];
    const locale = person.locale ?? options.locale;
    if (preferred && recipient.chat !== false) {
      const channel = channels.get(preferred.platform as ChatPlatform)!;
      await claims.once(`direct:${event._id.toString()}:${person._id.toString()}`, () =>
        channel.sendDirect(preferred.externalId, { ticket, event, locale, audience: recipient.audience }),
      );
    }
    const mailed = onDuty || chosen.includes('email') || (!preferred && chosen.length === 0);
    if (person.email && mailed) {
      const to: EmailRecipient = { address: person.email, locale, audience: recipient.audience };
      await deliverEmail(`email:${event._id.toString()}:${person._id.toString()}`, ticket, event, to, departmentName);
    }
  }

  async function deliverNow(target: EventToDeliver): Promise<void> {
    const [event, ticket] = await Promise.all([
      models.JournalEvent.findById(target.eventId).lean<JournalEvent>(),
      models.Ticket.findById(target.ticketId).lean<Ticket>(),
    ]);
    if (!event || !ticket) {
      logger.warn({ eventId: target.eventId.toString() }, 'event to deliver not found: nothing sent');
      return;
    }
    const retryable: { target: string; error: unknown }[] = [];
    const failed = (what: string, to: string) => (error: unknown) => {
      if (error instanceof ChannelError && !error.retryable) {
        logger.warn({ err: error, ticket: ticket.number, target: to }, `${what} not delivered: the platform refused it for good`);
        return;
      }
      logger.warn({ err: error, ticket: ticket.number, target: to }, `${what} delivery failed: will retry`);
      retryable.push({ target: `${what} ${to}`, error });
    };

    const department = await models.Department.findOne({ key: ticket.department }).lean<DepartmentDoc>();
    const card = await renderCard(ticket, department, event);
    const asOfEvent = target.assigneeId === undefined ? ticket : { ...ticket, assigneeId: target.assigneeId };
    for (const chat of await cardTargets(ticket, department)) {
      const messageId = await deliverCard(chat, card).catch(failed('card', `${chat.platform}:${chat.chatId}`));
      if (messageId) await deliverActivity(chat, messageId, event, card).catch(failed('discussion', `${chat.platform}:${chat.chatId}`));
      if (chat.live && alertsChats(event, asOfEvent.assigneeId)) {
        await deliverChatAlert(chat, messageId ?? null, event, card).catch(failed('alert', `${chat.platform}:${chat.chatId}`));
      }
    }
    const staff = staffEvents.has(event.type) ? await staffToTell(ticket, department) : undefined;
    for (const recipient of recipientsOf(event, asOfEvent, staff)) {
      await deliverDirect(event, ticket, recipient, card.departmentName).catch(failed('notice', recipient.personId.toString()));
    }
    if (event.type === 'opened' && department?.email && options.email) {
      const mailbox: EmailRecipient = { address: department.email, locale: options.locale, audience: 'department' };
      await deliverEmail(`email:${event._id.toString()}:department`, ticket, event, mailbox, card.departmentName).catch(failed('e-mail', 'department'));
    }
    if (retryable.length) throw new DeliveryIncomplete(retryable);
  }

  return {
    /** Delivers what is still owed for the event; throws DeliveryIncomplete when a retry may help. */
    deliver(target: EventToDeliver): Promise<void> {
      return serial(target.ticketId.toString(), () => deliverNow(target));
    },
    /** Forgets delivery records finished before `date`. */
    pruneBefore: (date: Date) => claims.pruneBefore(date),
  };
}

export type EventDelivery = ReturnType<typeof createEventDelivery>;
