/**
 * Slack's mrkdwn: user text is escaped (&, <, >), so nobody can mention @channel, fake a
 * link or break the markup through a ticket title. Limits are Slack's.
 */
export const SECTION_TEXT_MAX = 3000;
export const BUTTON_TEXT_MAX = 75;
export const OPTION_TEXT_MAX = 75;
export const VIEW_TITLE_MAX = 24;
export const MESSAGE_BLOCKS_MAX = 50;

export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Shortens to `max` characters with an ellipsis; counts code points, not halves of an emoji. */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** A quote block of user text: every line prefixed, escaped, within `max`. */
export function quote(text: string, max: number): string {
  return escapeMrkdwn(truncate(text, max))
    .split('\n')
    .map((line) => `>${line}`)
    .join('\n');
}

/** Bold, for names and titles; asterisks in the text would end it early, so they become look-alikes. */
export function bold(text: string): string {
  const inner = escapeMrkdwn(text).replace(/\*/g, '∗').trim();
  return inner ? `*${inner}*` : '';
}
