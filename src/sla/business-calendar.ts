/** In the order of Date.getUTCDay(), which starts on Sunday. */
const daysByIndex = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof daysByIndex)[number];

/** Working time of one day, local: "09:00" to "18:00" ("24:00" ends the day). */
export interface WorkingRange {
  from: string;
  to: string;
}

/**
 * When a department works: its time zone, hours per weekday (a missing day is closed) and
 * holidays. Hours `always` (a 24/7 service) work on holidays too.
 */
export interface BusinessCalendar {
  timezone: string;
  hours: 'always' | Partial<Record<Weekday, WorkingRange[]>>;
  /** Local dates (YYYY-MM-DD) without working hours. */
  holidays: string[];
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** A calendar with no working time at all would never end the search. */
const SEARCH_DAYS = 800;

interface LocalDate {
  year: number;
  month: number;
  day: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** The wall-clock fields of an instant in a time zone. */
function wallClock(timeZone: string, instant: number): LocalDate & { hour: number; minute: number; second: number } {
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(new Date(instant)).map((part) => [part.type, Number(part.value)]));
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!, second: parts.second! };
}

/** How far the zone's wall clock is ahead of UTC at an instant. */
function offsetAt(timeZone: string, instant: number): number {
  const wall = wallClock(timeZone, instant);
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second) - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant of a local date and minute of the day. Around a change of daylight saving time
 * the same in every zone: a repeated wall time is its first occurrence, a skipped one is read
 * with the offset before the change (so it lands as much later as the clock jumped).
 */
function instantOf(timeZone: string, date: LocalDate, minuteOfDay: number): number {
  const naive = Date.UTC(date.year, date.month - 1, date.day) + minuteOfDay * MINUTE;
  const withOffsetBefore = naive - offsetAt(timeZone, naive - DAY);
  const withOffsetAfter = naive - offsetAt(timeZone, naive + DAY);
  if (withOffsetBefore === withOffsetAfter) return withOffsetBefore;
  const shows = (instant: number) => instant + offsetAt(timeZone, instant) === naive;
  if (shows(withOffsetBefore) && shows(withOffsetAfter)) return Math.min(withOffsetBefore, withOffsetAfter);
  if (shows(withOffsetAfter)) return withOffsetAfter;
  return withOffsetBefore;
}

function nextDay(date: LocalDate): LocalDate {
  const next = new Date(Date.UTC(date.year, date.month - 1, date.day + 1));
  return { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() };
}

function isoDate(date: LocalDate): string {
  return `${date.year}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
}

function minuteOfDay(clock: string): number {
  const [hours = 0, minutes = 0] = clock.split(':').map(Number);
  return hours * 60 + minutes;
}

function rangesOn(calendar: BusinessCalendar, date: LocalDate): WorkingRange[] {
  if (calendar.hours === 'always') return [{ from: '00:00', to: '24:00' }];
  if (calendar.holidays.includes(isoDate(date))) return [];
  const weekday = daysByIndex[new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay()]!;
  return [...(calendar.hours[weekday] ?? [])].sort((a, b) => minuteOfDay(a.from) - minuteOfDay(b.from));
}

/**
 * The instant `minutes` of working time after `start`: time outside the working hours, on
 * closed weekdays and on holidays does not count. Null when the calendar has no working time.
 */
export function addBusinessMinutes(start: Date, minutes: number, calendar: BusinessCalendar): Date | null {
  return addBusinessMillis(start, minutes * MINUTE, calendar);
}

/** The working periods of the local days from the one containing `from`, as instants, in order. */
function* workingPeriods(calendar: BusinessCalendar, from: number): Generator<[number, number]> {
  let date: LocalDate = wallClock(calendar.timezone, from);
  for (let day = 0; day < SEARCH_DAYS; day += 1, date = nextDay(date)) {
    for (const range of rangesOn(calendar, date)) {
      const opens = instantOf(calendar.timezone, date, minuteOfDay(range.from));
      const closes = instantOf(calendar.timezone, date, minuteOfDay(range.to));
      if (closes > opens) yield [opens, closes];
    }
  }
}

/**
 * The working time between two instants, in milliseconds (0 when `end` is not after
 * `start`): what a first response or a resolution took in the department's hours.
 */
export function businessMillisBetween(start: Date, end: Date, calendar: BusinessCalendar): number {
  const from = start.getTime();
  const to = end.getTime();
  if (to <= from) return 0;
  if (calendar.hours === 'always') return to - from;
  let total = 0;
  for (const [opens, closes] of workingPeriods(calendar, from)) {
    if (opens >= to) break;
    total += Math.max(0, Math.min(closes, to) - Math.max(opens, from));
  }
  return total;
}

/** The local date (YYYY-MM-DD) and minute of the day of an instant in a time zone. */
export function localDateAndMinute(instant: Date, timeZone: string): { date: string; minute: number } {
  const wall = wallClock(timeZone, instant.getTime());
  return { date: isoDate(wall), minute: wall.hour * 60 + wall.minute };
}

/** The instant the local day after `date` (YYYY-MM-DD) begins in a time zone. */
export function startOfNextLocalDay(date: string, timeZone: string): Date {
  const [year = 0, month = 0, day = 0] = date.split('-').map(Number);
  return new Date(instantOf(timeZone, nextDay({ year, month, day }), 0));
}

/** True when the calendar has working hours on the local date (YYYY-MM-DD). */
export function isWorkingDay(date: string, calendar: BusinessCalendar): boolean {
  const [year = 0, month = 0, day = 0] = date.split('-').map(Number);
  return rangesOn(calendar, { year, month, day }).length > 0;
}

/** True when `instant` falls in the calendar's working time. */
export function isWorkingTime(instant: Date, calendar: BusinessCalendar): boolean {
  const at = instant.getTime();
  for (const [opens, closes] of workingPeriods(calendar, at - 24 * 3600_000)) {
    if (opens > at) return false;
    if (at < closes) return true;
  }
  return false;
}

/** The same with a duration in milliseconds. */
export function addBusinessMillis(start: Date, millis: number, calendar: BusinessCalendar): Date | null {
  let remaining = millis;
  const cursor = start.getTime();
  let date: LocalDate = wallClock(calendar.timezone, cursor);
  for (let day = 0; day < SEARCH_DAYS; day += 1, date = nextDay(date)) {
    for (const range of rangesOn(calendar, date)) {
      const opens = Math.max(instantOf(calendar.timezone, date, minuteOfDay(range.from)), cursor);
      const closes = instantOf(calendar.timezone, date, minuteOfDay(range.to));
      if (closes <= opens) continue;
      if (remaining <= closes - opens) return new Date(opens + remaining);
      remaining -= closes - opens;
    }
  }
  return null;
}
