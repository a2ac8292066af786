/**
 * A description without its first line when that line is the title (it became the title),
 * so a card or a summary does not say it twice. Empty when nothing else was written.
 */
export function bodyAfterTitle(description: string, title: string): string {
  const text = description.trim();
  const [first = '', ...rest] = text.split('\n');
  return first.trim() === title.trim() ? rest.join('\n').trim() : text;
}
