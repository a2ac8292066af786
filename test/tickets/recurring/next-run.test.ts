import { describe, expect, it } from 'vitest';
import { firstRunAt, formatEvery, nextRunAfter, occurrenceAfter, type ScheduleTiming } from '../../../src/tickets/recurring/next-run.js';

const cron = (expression: string, timezone = 'UTC'): ScheduleTiming => ({ cron: expression, everyMinutes: null, timezone });
const every = (minutes: number): ScheduleTiming => ({ cron: null, everyMinutes: minutes, timezone: 'Europe/Moscow' });
const at = (iso: string) => new Date(iso);
const iso = (date: Date) => date.toISOString();

describe('next run of a schedule', () => {
  it('reads a cron expression in the schedule time zone', () => {
    // 09:00 on Mondays in Moscow (UTC+3, no DST) is 06:00 UTC.
    expect(iso(firstRunAt(cron('0 9 * * mon', 'Europe/Moscow'), at('2026-03-04T12:00:00Z')))).toBe('2026-03-09T06:00:00.000Z');
    expect(iso(firstRunAt(cron('0 9 * * mon'), at('2026-03-04T12:00:00Z')))).toBe('2026-03-09T09:00:00.000Z');
  });

  it('keeps a cron time at the same local hour across a DST change', () => {
    // New York moves to summer time on 2026-03-08: 09:00 local is 14:00 UTC before, 13:00 after.
    const timing = cron('0 9 * * *', 'America/New_York');
    const before = firstRunAt(timing, at('2026-03-07T15:00:00Z'));
    expect(iso(before)).toBe('2026-03-08T13:00:00.000Z');
    expect(iso(firstRunAt(timing, at('2026-03-06T15:00:00Z')))).toBe('2026-03-07T14:00:00.000Z');
    expect(iso(nextRunAfter(timing, before, before))).toBe('2026-03-09T13:00:00.000Z');
  });

  it('runs a local time the spring change skips once, an hour later, and one the autumn change repeats once', () => {
    // Berlin: 02:30 does not exist on 2026-03-29 and exists twice on 2026-10-25.
    const timing = cron('30 2 * * *', 'Europe/Berlin');
    const spring = firstRunAt(timing, at('2026-03-28T12:00:00Z'));
    expect(iso(spring)).toBe('2026-03-29T01:30:00.000Z');
    expect(iso(nextRunAfter(timing, spring, spring))).toBe('2026-03-30T00:30:00.000Z');
    const autumn = firstRunAt(timing, at('2026-10-24T12:00:00Z'));
    expect(iso(autumn)).toBe('2026-10-25T00:30:00.000Z');
    expect(iso(nextRunAfter(timing, autumn, autumn))).toBe('2026-10-26T01:30:00.000Z');
  });

  it('takes the next occurrence strictly after now, also with seconds on the clock', () => {
    expect(iso(occurrenceAfter(cron('0 9 * * *'), at('2026-03-02T09:00:00Z')))).toBe('2026-03-03T09:00:00.000Z');
    expect(iso(occurrenceAfter(cron('0 9 * * *'), at('2026-03-02T08:59:59.500Z')))).toBe('2026-03-02T09:00:00.000Z');
  });

  it('counts the next run from the planned time, not from a late tick', () => {
    const timing = cron('*/15 * * * *');
    const planned = at('2026-03-02T09:15:00Z');
    expect(iso(nextRunAfter(timing, planned, at('2026-03-02T09:15:40Z')))).toBe('2026-03-02T09:30:00.000Z');
    const hourly = every(60);
    expect(iso(nextRunAfter(hourly, planned, at('2026-03-02T09:16:00Z')))).toBe('2026-03-02T10:15:00.000Z');
  });

  it('skips past now after a downtime, so missed runs are made up once, and an interval keeps its phase', () => {
    const planned = at('2026-03-02T09:00:00Z');
    const backAt = at('2026-03-05T14:20:00Z');
    expect(iso(nextRunAfter(cron('0 9 * * *'), planned, backAt))).toBe('2026-03-06T09:00:00.000Z');
    expect(iso(nextRunAfter(every(240), planned, backAt))).toBe('2026-03-05T17:00:00.000Z');
    expect(iso(nextRunAfter(every(240), planned, at('2026-03-02T13:00:00Z')))).toBe('2026-03-02T17:00:00.000Z');
  });

  it('starts an interval one interval after the current minute, whatever the time zone', () => {
    expect(iso(firstRunAt(every(90), at('2026-03-02T09:10:42Z')))).toBe('2026-03-02T10:40:00.000Z');
  });

  it('writes an interval as the config does', () => {
    expect([30, 60, 90, 1440, 1530].map(formatEvery)).toEqual(['30m', '1h', '1h30m', '1d', '1d1h30m']);
  });
});
