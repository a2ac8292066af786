/**
 * Telegram HTML parse mode. Every user-supplied string is escaped on the way in; an `Html`
 * value is markup we built ourselves. Mixing them up is a type error, not an injection.
 */
export class Html {
  constructor(readonly value: string) {}

  toString(): string {
    return this.value;
  }
}

/** Telegram's limit is 4096 characters after entity parsing; we keep a margin for joins. */
export const MESSAGE_LIMIT = 4000;
/** Captions and callback alerts are much shorter. */
export const ALERT_LIMIT = 200;

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

type Part = string | number | Html | null | undefined | false;

function piece(part: Part): string {
  if (part === null || part === undefined || part === false) return '';
  return part instanceof Html ? part.value : escapeHtml(String(part));
}

/** Tagged template: literal markup stays, interpolated values are escaped unless they are Html. */
export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0] ?? '';
  values.forEach((value, index) => {
    out += piece(value) + (strings[index + 1] ?? '');
  });
  return new Html(out);
}

export function joinHtml(parts: Part[], separator: string | Html = '\n'): Html {
  const sep = separator instanceof Html ? separator.value : escapeHtml(separator);
  return new Html(parts.filter((part) => part !== null && part !== undefined && part !== false && String(part) !== '').map(piece).join(sep));
}

/**
 * Fills a translated template (`Taken by {actor}`): the template's own text is escaped too,
 * so a translator's "&" or "<" never breaks the parse mode.
 */
export function fillHtml(template: string, params: Record<string, string | number | Html> = {}): Html {
  const out: string[] = [];
  let last = 0;
  for (const match of template.matchAll(/\{(\w+)\}/g)) {
    out.push(escapeHtml(template.slice(last, match.index)));
    const name = match[1]!;
    out.push(name in params ? piece(params[name]) : escapeHtml(match[0]));
    last = match.index + match[0].length;
  }
  out.push(escapeHtml(template.slice(last)));
  return new Html(out.join(''));
}

/** Shortens visibly: the reader sees that text was cut. Never splits a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - 1);
  if (/[\uD800-\uDBFF]/.test(text.charAt(end - 1))) end -= 1;
  return `${text.slice(0, end).trimEnd()}…`;
}

/** The length Telegram counts: text after the markup is parsed. */
export function visibleLength(markup: Html): number {
  return markup.value.replace(/<[^>]*>/g, '').replace(/&(?:lt|gt|amp|quot|#\d+);/g, '_').length;
}

/** Splits plain text into pieces of at most `max` characters, at a line break or space when there is one. */
export function splitText(text: string, max: number = MESSAGE_LIMIT): string[] {
  const chunks: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = rest.lastIndexOf('\n', max);
    if (cut < max / 2) cut = rest.lastIndexOf(' ', max);
    if (cut < max / 2) cut = max;
    if (/[\uD800-\uDBFF]/.test(rest.charAt(cut - 1))) cut -= 1;
    chunks.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^[\n ]/, '');
  }
  if (rest.length > 0 || chunks.length === 0) chunks.push(rest);
  return chunks;
}

/**
 * Packs blocks into as few messages as fit Telegram's limit, in order. A block that alone is
 * too long is split as plain text, so nothing is lost and no tag is cut in half.
 */
export function packMessages(blocks: Html[], max: number = MESSAGE_LIMIT): Html[] {
  const messages: Html[] = [];
  let current: Html[] = [];
  let size = 0;
  const flush = () => {
    if (current.length) messages.push(joinHtml(current));
    current = [];
    size = 0;
  };
  for (const block of blocks) {
    const length = visibleLength(block);
    if (length > max) {
      flush();
      const plain = block.value.replace(/<[^>]*>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
      for (const chunk of splitText(plain, max)) messages.push(new Html(escapeHtml(chunk)));
      continue;
    }
    if (size + length + 1 > max) flush();
    current.push(block);
    size += length + 1;
  }
  flush();
  return messages;
}
