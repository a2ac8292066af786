import type { Agenda } from 'agenda';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { Outbox } from './outbox/outbox.js';

export const OUTBOX_SWEEP_JOB = 'outbox-sweep';
/** How far back a regular sweep looks; the start-up sweep looks back a week. */
const LOOK_BACK_MS = 3600 * 1000;
/** Younger events may have their job on its way: leave them to the change that made them. */
const SETTLE_MS = 60 * 1000;

/** Every few minutes: stores the delivery jobs of recent events that have none. */
export function defineOutboxSweepJob(scheduler: Agenda, deps: { outbox: Outbox; clock: Clock; logger: Logger }): void {
  scheduler.define(OUTBOX_SWEEP_JOB, async () => {
    const now = deps.clock().getTime();
    const missed = await deps.outbox.enqueueMissed(new Date(now - LOOK_BACK_MS), new Date(now - SETTLE_MS));
    if (missed > 0) deps.logger.warn({ missed }, 'deliveries of recent events were missing and are queued now');
  });
}
