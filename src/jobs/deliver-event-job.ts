import { Types } from 'mongoose';
import type { Agenda, BackoffStrategy } from 'agenda';
import type { Logger } from '../logger.js';
import { DeliveryIncomplete, type EventDelivery, type EventToDeliver } from '../notify/deliver-event.js';

export const DELIVER_EVENT_JOB = 'deliver-event';

/** The stored payload: ids as hex strings, so the job document stays plain JSON. */
export interface DeliverEventPayload {
  eventId: string;
  ticketId: string;
  assigneeId?: string | null;
}

export interface DeliveryRetryPolicy {
  /** First wait after a failure; doubled each time. */
  baseDelayMs: number;
  /** Longest wait between two attempts. */
  maxDelayMs: number;
  /** Attempts before the delivery is given up (with the defaults: about a day). */
  maxAttempts: number;
}

export const defaultDeliveryRetry: DeliveryRetryPolicy = { baseDelayMs: 1000, maxDelayMs: 10 * 60 * 1000, maxAttempts: 150 };

export function deliverEventPayload(target: EventToDeliver): DeliverEventPayload {
  const payload: DeliverEventPayload = { eventId: target.eventId.toHexString(), ticketId: target.ticketId.toHexString() };
  if (target.assigneeId !== undefined) payload.assigneeId = target.assigneeId?.toHexString() ?? null;
  return payload;
}

function parsePayload(data: DeliverEventPayload): EventToDeliver {
  const target: EventToDeliver = { eventId: new Types.ObjectId(data.eventId), ticketId: new Types.ObjectId(data.ticketId) };
  if (data.assigneeId !== undefined) target.assigneeId = data.assigneeId ? new Types.ObjectId(data.assigneeId) : null;
  return target;
}

/** Exponential backoff that waits at least what the platform asked for (Telegram's retry_after). */
export function deliveryBackoff(policy: DeliveryRetryPolicy): BackoffStrategy {
  return ({ attempt, error }) => {
    if (attempt >= policy.maxAttempts) return null;
    const exponential = Math.min(policy.baseDelayMs * 2 ** (attempt - 1), policy.maxDelayMs);
    const asked = error instanceof DeliveryIncomplete ? (error.retryAfterMs ?? 0) : 0;
    return Math.max(exponential, asked);
  };
}

/**
 * The outbox job: delivers one journal event to every chat and person concerned. Agenda runs
 * a job at least once; the delivery is idempotent, so a second run only sends what is owed.
 */
export function defineDeliverEventJob(scheduler: Agenda, delivery: EventDelivery, logger: Logger, policy = defaultDeliveryRetry): void {
  scheduler.define<DeliverEventPayload>(DELIVER_EVENT_JOB, (job) => delivery.deliver(parsePayload(job.attrs.data)), {
    concurrency: 10,
    // Lock only what can run soon: deliveries start at once instead of after every due job is
    // locked, and the rest stays free for other instances.
    lockLimit: 20,
    backoff: deliveryBackoff(policy),
  });
  scheduler.on(`retry exhausted:${DELIVER_EVENT_JOB}`, (error: Error, job: { attrs: { data: unknown } }) => {
    logger.error({ err: error, eventId: (job.attrs.data as DeliverEventPayload).eventId }, 'delivery given up after every retry');
  });
}
