/** Formatters are costly to build and used for every card and notice: one per language and zone. */
const formatters = new Map<string, Intl.DateTimeFormat>();

/** "23 Nov, 14:05" in the reader's language and the org's time zone. */
export function formatTime(date: Date | string | null | undefined, locale: string, timeZone: string): string {
  if (!date) return '';
  const at = new Date(date);
  if (Number.isNaN(at.getTime())) return '';
  const key = `${locale}|${timeZone}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale === 'ru' ? 'ru-RU' : 'en-GB', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZone });
    formatters.set(key, format);
  }
  return format.format(at);
}
