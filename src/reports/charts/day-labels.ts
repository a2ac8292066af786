/** About as many date labels as fit under an 800 px wide chart without touching. */
const MAX_LABELS = 12;
/** A year's month starts, 1 Jan to 1 Jan: their labels are short and evenly spread. */
const MAX_MONTH_LABELS = 13;
/** From this many month starts on, labels sit on the 1st of months rather than every Nth day. */
const MONTHLY_FROM = 5;

/** "3 Nov" / "3 нояб.": short dates for the x axis; the title names the year. */
export function formatDayLabels(dates: string[], locale: string): string[] {
  // Plain 'en' would be American ("Nov 3"); the product writes English dates the British way.
  // The dates are already local to the org: format them as UTC so no time zone shifts a day.
  const format = new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : locale, { day: 'numeric', month: 'short', timeZone: 'UTC' });
  return dates.map((date) => format.format(new Date(`${date}T00:00:00Z`)));
}

/**
 * Which days get a label and a tick: all of them for a short range, every Nth day for a month
 * or two, the 1st of every (Nth) month for a long range, so a year stays readable.
 */
export function labelledDays(dates: string[]): (index: number) => boolean {
  const monthStarts = dates.flatMap((date, index) => (date.endsWith('-01') ? [index] : []));
  if (monthStarts.length < MONTHLY_FROM) {
    const step = Math.ceil(dates.length / MAX_LABELS);
    return (index) => index % step === 0;
  }
  const step = Math.ceil(monthStarts.length / MAX_MONTH_LABELS);
  const shown = new Set(monthStarts.filter((_, k) => k % step === 0));
  return (index) => shown.has(index);
}
