import type { Types } from 'mongoose';
import type { Clock } from '../clock.js';
import { departmentByKey } from '../db/department-cache.js';
import type { DepartmentDoc } from '../db/models/department.js';
import type { Models } from '../db/models/index.js';
import type { JournalEvent } from '../db/models/journal-event.js';
import { pickLocalized } from '../db/models/localized.js';
import type { Ticket } from '../db/models/ticket.js';
import type { Logger } from '../logger.js';
import type { Lane } from './breaker.js';
import { planCardSends } from './card-sends.js';
import { cardTargets } from './card-targets.js';
import { createCardVersions } from './card-versions.js';
import { ChannelError, type ChannelRegistry, type NoticeAudience } from './channel.js';
import { createDeliveryClaims } from './delivery-claims.js';
import { planDirectSends } from './direct-sends.js';
import { recipientsOf, staffEvents, type StaffToTell } from './recipients.js';
import { serializeByKey } from './serialize-by-key.js';
import { trusted } from '../db/connection.js';

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

/** What the outbox knows of an event when it is journaled. */
export interface EventToDeliver {
  eventId: Types.ObjectId;
  ticketId: Types.ObjectId;
  /**
   * The assignee right after the change: notices go to who was in charge then, even when
   * the ticket moved on before the delivery ran. Unknown for events found by the start-up sweep.
   */
  assigneeId?: Types.ObjectId | null;
  /** The event and the ticket right after it, when the change happened in this process: not read again. */
  event?: JournalEvent;
  ticket?: Ticket;
}

/**
 * The ticket as it is now, with the change that made it so, for the card's lazy render. The
 * outbox knows the latest of the tickets it delivers without reading them; by default they
 * are read.
 */
export type LatestTicket = (ticketId: Types.ObjectId) => Promise<{ ticket: Ticket; event: JournalEvent | null } | null>;

/** One message to one place: a card, a notice, a mail. */
export interface Send {
  lane: Lane;
  /** For logs: what it is, and where it goes. */
  what: 'card' | 'notice' | 'e-mail';
  target: string;
  run(): Promise<void>;
}

/** What an event owes to each lane; a lane's sends to one chat run one after another, in this order. */
export interface DeliveryPlan {
  ticketNumber: number;
  lanes: Map<Lane, Send[]>;
}

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

/** Events posted as an alert in the department's chats, besides the card: a breach, and a reminder nobody would get. */
function alertsChats(event: JournalEvent, assigneeId: Types.ObjectId | null): boolean {
  return event.type === 'sla_breached' || (event.type === 'sla_reminder' && !assigneeId);
}

/**
 * Delivers journal events: every chat showing the ticket gets its card posted or edited in
 * place (rendered from the ticket as it is when the platform takes it, so a late delivery
 * never shows an old state), and the people concerned get a personal notice on their platform
 * or by mail. `plan` sorts an event's messages into lanes (one per platform and one for mail)
 * for the outbox, which runs each lane on its own, so a platform that is down holds up only
 * its own messages. Every message is idempotent: a retry only sends what is still owed.
 */
export function createEventDelivery(options: EventDeliveryOptions) {
  const { models, channels, logger } = options;
  const claims = createDeliveryClaims(models, options.clock, options.leaseMs, (error) =>
    logger.warn({ err: error }, 'delivery records not marked sent: in the worst case (a crash right now) those messages go again in ten minutes'),
  );
  const versions = createCardVersions(models, logger);
  const serial = serializeByKey();
  const emailBreaker = channels.breakers.of('email');
  const email = options.email
    ? { compose: options.email.compose.bind(options.email), send: (message: object) => emailBreaker.run(() => options.email!.send(message)) }
    : null;

  async function readLatest(ticketId: Types.ObjectId): Promise<{ ticket: Ticket; event: JournalEvent | null } | null> {
    const ticket = await models.Ticket.findById(ticketId).lean<Ticket>();
    return ticket ? { ticket, event: null } : null;
  }

  /** The coordinators of the ticket's department, the managers, and its on-duty people. */
  async function staffToTell(ticket: Ticket, department: DepartmentDoc | null): Promise<StaffToTell> {
    const onDutyEmails = (department?.settings as { onDuty?: string[] } | undefined)?.onDuty ?? [];
    const [coordinators, managers, onDuty] = await Promise.all([
      models.Person.find({ role: 'coordinator', departments: ticket.department, active: true }).select({ _id: 1 }).lean(),
      models.Person.find({ role: 'manager', active: true }).select({ _id: 1 }).lean(),
      onDutyEmails.length ? models.Person.find({ email: trusted({ $in: onDutyEmails }), active: true }).select({ _id: 1 }).lean() : [],
    ]);
    const ids = (people: { _id: Types.ObjectId }[]) => people.map((person) => person._id);
    return { coordinators: ids(coordinators), managers: ids(managers), onDuty: ids(onDuty) };
  }

  async function plan(target: EventToDeliver, latest: LatestTicket = readLatest): Promise<DeliveryPlan | null> {
    const [event, ticket] = await Promise.all([
      target.event ?? models.JournalEvent.findById(target.eventId).lean<JournalEvent>(),
      target.ticket ?? models.Ticket.findById(target.ticketId).lean<Ticket>(),
    ]);
    if (!event || !ticket) {
      logger.warn({ eventId: target.eventId.toString() }, 'event to deliver not found: nothing sent');
      return null;
    }
    const department = await departmentByKey(models, ticket.department);
    const departmentName = pickLocalized(department?.name, options.locale) || ticket.department;
    const asOfEvent = target.assigneeId === undefined ? ticket : { ...ticket, assigneeId: target.assigneeId };
    const sends: Send[] = [];
    const context = { models, channels, claims, versions, locale: options.locale, latest, logger };
    for (const chat of await cardTargets(models, channels, ticket, department)) {
      sends.push(planCardSends(context, chat, ticket, event, alertsChats(event, asOfEvent.assigneeId)));
    }
    const staff = staffEvents.has(event.type) ? await staffToTell(ticket, department) : undefined;
    for (const recipient of recipientsOf(event, asOfEvent, staff)) {
      sends.push(...(await planDirectSends({ models, channels, claims, email, locale: options.locale, logger }, event, ticket, recipient, departmentName)));
    }
    if (event.type === 'opened' && department?.email && email) {
      const mailbox: EmailRecipient = { address: department.email, locale: options.locale, audience: 'department' };
      sends.push({
        lane: 'email',
        what: 'e-mail',
        target: 'department',
        run: async () => {
          const message = await email.compose(ticket, event, mailbox, departmentName);
          if (message) await claims.once(`email:${event._id.toString()}:department`, () => email.send(message));
        },
      });
    }
    const lanes = new Map<Lane, Send[]>();
    for (const send of sends) lanes.set(send.lane, [...(lanes.get(send.lane) ?? []), send]);
    return { ticketNumber: ticket.number, lanes };
  }

  /**
   * Runs one lane's sends: each chat's in order, chats side by side. A refusal for good (a
   * blocked bot) is logged and the rest goes on; a failure that may pass is retried with the
   * whole lane, whose other messages are then already claimed as sent.
   */
  async function runLane(sends: Send[], ticketNumber: number | string): Promise<void> {
    const retryable: { target: string; error: unknown }[] = [];
    // Sends to different chats do not wait for each other (the requester's answer does not
    // wait for the card's edit in the group); those to one chat keep their order. The lane
    // takes the ticket's next event only when all are done, so each chat still gets the
    // ticket's messages in journal order.
    const byTarget = new Map<string, Send[]>();
    for (const send of sends) byTarget.set(send.target, [...(byTarget.get(send.target) ?? []), send]);
    await Promise.all(
      [...byTarget.values()].map(async (inOrder) => {
        for (const send of inOrder) {
          try {
            await send.run();
          } catch (error) {
            if (error instanceof ChannelError && !error.retryable) {
              logger.warn({ err: error, ticket: ticketNumber, target: send.target }, `${send.what} not delivered: the platform refused it for good`);
              continue;
            }
            logger.warn({ err: error, ticket: ticketNumber, target: send.target }, `${send.what} delivery failed: will retry`);
            retryable.push({ target: `${send.what} ${send.target}`, error });
          }
        }
      }),
    );
    if (retryable.length) throw new DeliveryIncomplete(retryable);
  }

  return {
    plan,
    runLane,
    readLatest,
    /** The breakers of every lane: the chat platforms' and the mail server's. */
    breakers: channels.breakers,
    /**
     * Delivers everything still owed for the event at once, every lane side by side (deliveries
     * of one ticket one after another); throws DeliveryIncomplete when a retry may help.
     */
    deliver(target: EventToDeliver): Promise<void> {
      return serial(target.ticketId.toString(), async () => {
        const planned = await plan(target);
        if (!planned) return;
        const results = await Promise.allSettled([...planned.lanes.values()].map((sends) => runLane(sends, planned.ticketNumber)));
        const failures = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
        if (failures.length === 0) return;
        const incomplete = failures.filter((failure): failure is DeliveryIncomplete => failure instanceof DeliveryIncomplete);
        if (incomplete.length !== failures.length) throw failures[0];
        throw new DeliveryIncomplete(incomplete.map((failure) => ({ target: failure.message, error: new ChannelError(failure.message, { retryable: true, retryAfterMs: failure.retryAfterMs }) })));
      });
    },
    /** Writes what is kept in memory for a moment (what the cards show, what was sent); at shutdown and when settling. */
    flush: async () => {
      await Promise.all([versions.flush(), claims.flushSent()]);
    },
    /** Forgets delivery records finished before `date`. */
    pruneBefore: (date: Date) => claims.pruneBefore(date),
  };
}

export type EventDelivery = ReturnType<typeof createEventDelivery>;
