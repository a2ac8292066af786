/** "23 Nov, 14:05" in the reader's language and the org's time zone. */
export function formatTime(date: Date | string | null | undefined, locale: string, timeZone: string): string {
  if (!date) return '';
  const at = new Date(date);
  if (Number.isNaN(at.getTime())) return '';
  return new Intl.DateTimeFormat(locale === 'ru' ? 'ru-RU' : 'en-GB', {
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    timeZone,
  }).format(at);
}
