const weekdayIndex: Record<string, number> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };

/**
 * Hour of the week (Monday 00:00 = 0 ... Sunday 23:00 = 167) of an instant in a time zone.
 * Stored on the ticket at creation because pipelines may not use date operators.
 */
export function hourOfWeek(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    weekday: 'short',
    hour: 'numeric',
    hourCycle: 'h23',
  }).formatToParts(at);
  const weekday = parts.find((part) => part.type === 'weekday')?.value ?? 'Mon';
  const hour = Number(parts.find((part) => part.type === 'hour')?.value ?? 0);
  return (weekdayIndex[weekday] ?? 0) * 24 + hour;
}
