import { localDateAndMinute } from '../sla/business-calendar.js';

/** Every UTC offset in use is a multiple of 15 minutes, so one answer serves a quarter hour. */
const QUARTER_HOUR = 15 * 60_000;

/**
 * The local date of instants in one time zone, remembered per quarter hour: a report reads
 * hundreds of thousands of timestamps and the time-zone lookup is the slow part.
 */
export function localDates(timeZone: string): (at: Date) => string {
  const known = new Map<number, string>();
  return (at) => {
    const quarter = Math.floor(at.getTime() / QUARTER_HOUR);
    let date = known.get(quarter);
    if (date === undefined) {
      date = localDateAndMinute(new Date(quarter * QUARTER_HOUR), timeZone).date;
      known.set(quarter, date);
    }
    return date;
  };
}

/**
 * An instant as the org's wall-clock time written in UTC: Excel has no time zones, so a cell
 * must hold the local time a reader expects to see ("14:05" in Moscow, not 11:05).
 */
export function wallClockDates(timeZone: string): (at: Date) => Date {
  const offsets = new Map<number, number>();
  return (at) => {
    const quarter = Math.floor(at.getTime() / QUARTER_HOUR);
    let offset = offsets.get(quarter);
    if (offset === undefined) {
      const start = new Date(quarter * QUARTER_HOUR);
      const { date, minute } = localDateAndMinute(start, timeZone);
      offset = Date.parse(`${date}T00:00:00Z`) + minute * 60_000 - start.getTime();
      offsets.set(quarter, offset);
    }
    return new Date(at.getTime() + offset);
  };
}
