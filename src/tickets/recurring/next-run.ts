import { CronExpressionParser } from 'cron-parser';

/** When a schedule runs: a cron expression read in a time zone, or a fixed interval. */
export interface ScheduleTiming {
  cron: string | null;
  everyMinutes: number | null;
  timezone: string;
}

const MINUTE_MS = 60_000;

/**
 * The first occurrence strictly after `after`. A cron expression is read in the schedule's
 * time zone, so "0 9 * * mon" stays at 09:00 local time across DST changes (a local time the
 * spring change skips runs once, an hour later; one the autumn change repeats runs once).
 * An interval is elapsed time and ignores the zone.
 */
export function occurrenceAfter(timing: ScheduleTiming, after: Date): Date {
  if (timing.cron) {
    return CronExpressionParser.parse(timing.cron, { tz: timing.timezone, currentDate: after }).next().toDate();
  }
  return new Date(after.getTime() + intervalMs(timing));
}

/**
 * When a schedule that was just added, resumed or re-timed runs first: the next cron time
 * after `now`, or one interval after the current minute. Nothing in the past is made up.
 */
export function firstRunAt(timing: ScheduleTiming, now: Date): Date {
  if (timing.cron) return occurrenceAfter(timing, now);
  return new Date(Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS + intervalMs(timing));
}

/**
 * The run after the one planned for `runAt`, which is being opened at `now`: counted from the
 * planned time, not from now, so a late tick does not make the schedule drift. When the next
 * planned time has already passed too (the app was down over several runs), it skips to the
 * first one after now: missed runs are made up once, not once each. An interval keeps its phase.
 */
export function nextRunAfter(timing: ScheduleTiming, runAt: Date, now: Date): Date {
  if (timing.cron) return occurrenceAfter(timing, runAt > now ? runAt : now);
  const step = intervalMs(timing);
  const missed = Math.max(0, Math.floor((now.getTime() - runAt.getTime()) / step));
  return new Date(runAt.getTime() + (missed + 1) * step);
}

function intervalMs(timing: ScheduleTiming): number {
  if (!timing.everyMinutes || timing.everyMinutes <= 0) throw new Error('a schedule needs a cron expression or a positive interval');
  return timing.everyMinutes * MINUTE_MS;
}

/** "90" -> "1h30m", "1440" -> "1d": the interval as the config and the chat commands write it. */
export function formatEvery(minutes: number): string {
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  return `${days ? `${days}d` : ''}${hours ? `${hours}h` : ''}${rest ? `${rest}m` : ''}` || '0m';
}
