/** Units as each language writes them; others use the English ones. */
const units: Record<string, [gigabytes: string, megabytes: string, kilobytes: string, bytes: string]> = {
  en: ['GB', 'MB', 'KB', 'B'],
  ru: ['ГБ', 'МБ', 'КБ', 'Б'],
};

/** "20 MB", "1.5 KB"; in Russian "20 МБ", "1,5 КБ": limits and sizes as people read them. */
export function formatBytes(bytes: number, locale = 'en'): string {
  const [gb, mb, kb, b] = units[locale] ?? units.en!;
  const steps: [number, string][] = [
    [1024 * 1024 * 1024, gb],
    [1024 * 1024, mb],
    [1024, kb],
  ];
  const number = (value: number) => new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(value);
  for (const [size, unit] of steps) {
    if (bytes >= size) return `${number(bytes / size)} ${unit}`;
  }
  return `${number(bytes)} ${b}`;
}
