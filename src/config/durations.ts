import type { WorkingRange } from '../sla/business-calendar.js';

/** Parses "30m", "4h", "1h30m", "2d" (d = 24 h) into minutes; null when malformed. */
export function parseDurationMinutes(text: string): number | null {
  const match = /^\s*(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*$/i.exec(text);
  if (!match || (!match[1] && !match[2] && !match[3])) return null;
  const minutes = Number(match[1] ?? 0) * 1440 + Number(match[2] ?? 0) * 60 + Number(match[3] ?? 0);
  return minutes > 0 ? minutes : null;
}

/** Working hours of a day, as the SLA calendar reads them. */
export type TimeRange = WorkingRange;

const clock = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Parses "09:00-13:00, 14:00-18:00" into ranges; null when malformed or inverted. "24:00" ends a day. */
export function parseHours(text: string): TimeRange[] | null {
  const ranges: TimeRange[] = [];
  for (const part of text.split(',')) {
    const [from, to] = part.trim().split('-').map((side) => side.trim());
    if (!from || !to || !clock.test(from) || !(clock.test(to) || to === '24:00') || from >= to) return null;
    ranges.push({ from, to });
  }
  return ranges;
}
