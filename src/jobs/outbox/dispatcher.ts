import type { Types } from 'mongoose';
import type { JournalEvent } from '../../db/models/journal-event.js';
import type { Ticket } from '../../db/models/ticket.js';
import type { Logger } from '../../logger.js';
import type { Breakers, Lane } from '../../notify/breaker.js';
import { ChannelError } from '../../notify/channel.js';
import { DeliveryIncomplete, type DeliveryPlan, type EventDelivery, type EventToDeliver, type Send } from '../../notify/deliver-event.js';
import type { StoredEntry } from './outbox-store.js';

export interface DeliveryRetryPolicy {
  /** First wait after a failure; doubled each time. */
  baseDelayMs: number;
  /** Longest wait between two attempts. */
  maxDelayMs: number;
  /** Attempts before a lane's message is given up (with the defaults: about a day). */
  maxAttempts: number;
}

export const defaultDeliveryRetry: DeliveryRetryPolicy = { baseDelayMs: 1000, maxDelayMs: 10 * 60 * 1000, maxAttempts: 150 };

/** Exponential backoff that waits at least what the peer asked for (Telegram's retry_after, an open breaker). */
export function retryDelay(policy: DeliveryRetryPolicy, attempt: number, askedMs: number | null): number {
  const exponential = Math.min(policy.baseDelayMs * 2 ** (attempt - 1), policy.maxDelayMs);
  return Math.max(exponential, askedMs ?? 0);
}

function askedWait(error: unknown): number | null {
  if (error instanceof DeliveryIncomplete || error instanceof ChannelError) return error.retryAfterMs;
  return null;
}

/** An entry in memory: planned once, then owed to each of its lanes until each has it. */
interface Entry {
  stored: StoredEntry;
  event?: JournalEvent;
  ticket?: Ticket;
  plan: DeliveryPlan | null;
  planned: boolean;
  /** Lanes still owed; empty once every lane has it. */
  owed: Set<Lane>;
  givenUp: Lane[];
  lastError: string | null;
}

interface LaneState {
  running: boolean;
  blockedUntil: number;
  attempts: number;
  timer: NodeJS.Timeout | null;
}

/** One ticket's undelivered events, in journal order, and where each lane of it stands. */
interface TicketWork {
  id: Types.ObjectId;
  entries: Entry[];
  lanes: Map<Lane, LaneState>;
  planning: boolean;
  planAttempts: number;
  planTimer: NodeJS.Timeout | null;
  /** The ticket as the latest change known here left it, for cards rendered later. */
  latest: { ticket: Ticket; event: JournalEvent } | null;
}

export interface DispatcherOptions {
  delivery: EventDelivery;
  breakers: Breakers;
  logger: Logger;
  policy: DeliveryRetryPolicy;
  /** Called when an entry is delivered, or given up on some lanes. */
  finished(entry: StoredEntry, givenUp: Lane[], lastError: string | null): void;
}

/**
 * Runs deliveries in this process, from memory: no polling, no lock per job. Each ticket's
 * events go out in journal order, lane by lane: the Telegram messages of a ticket in order, its
 * Slack messages in order, its mails in order, each lane on its own, so a platform that is slow
 * or down holds up only its own messages, and only while a later message of the same ticket
 * would overtake one it owes. A lane that fails waits with backoff (at least as long as the peer
 * asks, or its breaker stays open) on a timer, holding nothing; when the breaker closes again,
 * every waiting lane of that platform is tried at once.
 */
export function createDispatcher(options: DispatcherOptions) {
  const { delivery, logger, policy } = options;
  const tickets = new Map<string, TicketWork>();
  let stopped = false;
  let idleWaiters: (() => void)[] = [];
  const running = new Set<Promise<unknown>>();

  for (const lane of ['telegram', 'slack', 'email'] as Lane[]) {
    options.breakers.of(lane).onClose(() => {
      for (const work of tickets.values()) {
        const state = work.lanes.get(lane);
        if (state && state.blockedUntil > Date.now()) {
          state.blockedUntil = 0;
          if (state.timer) clearTimeout(state.timer);
          state.timer = null;
          kick(work);
        }
      }
    });
  }

  function track<T>(promise: Promise<T>): Promise<T> {
    running.add(promise);
    void promise.finally(() => {
      running.delete(promise);
      if (tickets.size === 0 && running.size === 0) for (const wake of idleWaiters.splice(0)) wake();
    });
    return promise;
  }

  function workOf(ticketId: Types.ObjectId): TicketWork {
    const key = ticketId.toHexString();
    let work = tickets.get(key);
    if (!work) tickets.set(key, (work = { id: ticketId, entries: [], lanes: new Map(), planning: false, planAttempts: 0, planTimer: null, latest: null }));
    return work;
  }

  function laneOf(work: TicketWork, lane: Lane): LaneState {
    let state = work.lanes.get(lane);
    if (!state) work.lanes.set(lane, (state = { running: false, blockedUntil: 0, attempts: 0, timer: null }));
    return state;
  }

  function finishIfDelivered(work: TicketWork, entry: Entry): void {
    if (!entry.planned || entry.owed.size > 0) return;
    work.entries = work.entries.filter((candidate) => candidate !== entry);
    options.finished(entry.stored, entry.givenUp, entry.lastError);
    if (work.entries.length === 0 && !work.planning && ![...work.lanes.values()].some((state) => state.running)) {
      for (const state of work.lanes.values()) if (state.timer) clearTimeout(state.timer);
      tickets.delete(work.id.toHexString());
    }
  }

  /** Plans the ticket's entries one after another, in journal order; a failed plan waits and is tried again. */
  async function planNext(work: TicketWork): Promise<void> {
    const entry = work.entries.find((candidate) => !candidate.planned);
    if (!entry || work.planning || stopped) return;
    work.planning = true;
    try {
      const target: EventToDeliver = {
        eventId: entry.stored._id,
        ticketId: entry.stored.ticketId,
        ...(entry.stored.assigneeKnown ? { assigneeId: entry.stored.assigneeId } : {}),
        ...(entry.event ? { event: entry.event } : {}),
        ...(entry.ticket ? { ticket: entry.ticket } : {}),
      };
      entry.plan = await delivery.plan(target, latestOf);
      entry.planned = true;
      entry.owed = new Set(entry.plan?.lanes.keys() ?? []);
      // Delivered from here on: the snapshots are not needed any more.
      delete entry.event;
      delete entry.ticket;
      work.planAttempts = 0;
    } catch (error) {
      work.planAttempts += 1;
      const delay = retryDelay(policy, work.planAttempts, askedWait(error));
      logger.warn({ err: error, ticketId: work.id.toHexString(), retryInMs: delay }, 'outbox: planning a delivery failed; trying again');
      work.planTimer = setTimeout(() => {
        work.planTimer = null;
        kick(work);
      }, delay);
      work.planTimer.unref();
      return;
    } finally {
      work.planning = false;
    }
    finishIfDelivered(work, entry);
    kick(work);
  }

  /** The first entry this lane owes, unless an earlier one is not planned yet (it may owe the lane too). */
  function headOf(work: TicketWork, lane: Lane): Entry | null {
    for (const entry of work.entries) {
      if (!entry.planned) return null;
      if (entry.owed.has(lane)) return entry;
    }
    return null;
  }

  async function runLane(work: TicketWork, lane: Lane, state: LaneState, entry: Entry): Promise<void> {
    const sends: Send[] = entry.plan?.lanes.get(lane) ?? [];
    state.running = true;
    try {
      await delivery.runLane(sends, entry.plan?.ticketNumber ?? work.id.toHexString());
      entry.owed.delete(lane);
      state.attempts = 0;
    } catch (error) {
      state.attempts += 1;
      entry.lastError = error instanceof Error ? error.message : String(error);
      if (state.attempts >= policy.maxAttempts) {
        logger.error({ err: error, ticketId: work.id.toHexString(), eventId: entry.stored._id.toHexString(), lane }, 'delivery given up after every retry');
        entry.owed.delete(lane);
        entry.givenUp.push(lane);
      } else {
        const delay = retryDelay(policy, state.attempts, askedWait(error));
        state.blockedUntil = Date.now() + delay;
        state.timer = setTimeout(() => {
          // Timers may fire a moment early: the wait is over when this runs.
          state.timer = null;
          state.blockedUntil = 0;
          kick(work);
        }, delay);
        state.timer.unref();
      }
    } finally {
      state.running = false;
    }
    finishIfDelivered(work, entry);
    kick(work);
  }

  /** Starts whatever of the ticket can go now: the next plan, and each free lane's next message. */
  function kick(work: TicketWork): void {
    if (stopped) return;
    if (work.entries.some((entry) => !entry.planned) && !work.planning && !work.planTimer) void track(planNext(work));
    const lanes = new Set<Lane>();
    for (const entry of work.entries) for (const lane of entry.owed) lanes.add(lane);
    for (const lane of lanes) {
      const state = laneOf(work, lane);
      if (state.running || state.blockedUntil > Date.now()) continue;
      const head = headOf(work, lane);
      if (head) void track(runLane(work, lane, state, head));
    }
  }

  async function latestOf(ticketId: Types.ObjectId): Promise<{ ticket: Ticket; event: JournalEvent | null } | null> {
    const known = tickets.get(ticketId.toHexString())?.latest;
    if (known) return known;
    return delivery.readLatest(ticketId);
  }

  return {
    /** Takes an entry to deliver; `event` and `ticket` when the change happened here (not read again). */
    add(stored: StoredEntry, change?: { event: JournalEvent; ticket: Ticket }): void {
      const work = workOf(stored.ticketId);
      if (work.entries.some((entry) => entry.stored._id.equals(stored._id))) return;
      const entry: Entry = { stored, plan: null, planned: false, owed: new Set(), givenUp: [], lastError: null, ...(change ? { event: change.event, ticket: change.ticket } : {}) };
      const at = work.entries.findIndex((other) => other.stored.seq > stored.seq);
      if (at < 0) work.entries.push(entry);
      else work.entries.splice(at, 0, entry);
      if (change && (!work.latest || change.ticket.version > work.latest.ticket.version)) work.latest = change;
      kick(work);
    },

    /** Whether this process holds the event already. */
    holds(eventId: Types.ObjectId, ticketId: Types.ObjectId): boolean {
      return tickets.get(ticketId.toHexString())?.entries.some((entry) => entry.stored._id.equals(eventId)) ?? false;
    },

    /** Entries in memory, waiting or running. */
    get size(): number {
      let count = 0;
      for (const work of tickets.values()) count += work.entries.length;
      return count;
    },

    /** Resolves when nothing is held, or after `timeoutMs`. */
    idle(timeoutMs: number): Promise<void> {
      if (tickets.size === 0 && running.size === 0) return Promise.resolve();
      return new Promise((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        idleWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },

    /** Starts nothing new and lets running sends finish (up to `timeoutMs`); what waits stays stored. */
    async stop(timeoutMs: number): Promise<number> {
      stopped = true;
      for (const work of tickets.values()) {
        if (work.planTimer) clearTimeout(work.planTimer);
        for (const state of work.lanes.values()) if (state.timer) clearTimeout(state.timer);
      }
      const deadline = new Promise((resolve) => setTimeout(resolve, timeoutMs).unref());
      await Promise.race([Promise.allSettled([...running]), deadline]);
      const left = running.size;
      tickets.clear();
      idleWaiters = [];
      return left;
    },
  };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;
