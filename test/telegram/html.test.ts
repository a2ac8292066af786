import { describe, expect, it } from 'vitest';
import { escapeHtml, fillHtml, html, MESSAGE_LIMIT, packMessages, splitText, truncate, visibleLength } from '../../bots/telegram/ui/html.js';

describe('telegram html', () => {
  it('escapes user text but keeps our markup', () => {
    const user = '<b>x</b> & "y"';
    expect(html`<b>${user}</b>`.value).toBe('<b>&lt;b&gt;x&lt;/b&gt; &amp; &quot;y&quot;</b>');
    expect(escapeHtml('a<b')).toBe('a&lt;b');
  });

  it('fills translations escaping both the template and the plain parameters', () => {
    const filled = fillHtml('Q&A <{who}> {missing} {mark}', { who: '<script>', mark: html`<i>ok</i>` });
    expect(filled.value).toBe('Q&amp;A &lt;&lt;script&gt;&gt; {missing} <i>ok</i>');
  });

  it('shortens visibly and never cuts a surrogate pair', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('ab😀cd', 4).includes('\uD83D')).toBe(false);
    expect(truncate('short', 10)).toBe('short');
  });

  it('splits long text at line breaks into pieces under the limit', () => {
    const text = Array.from({ length: 300 }, (_, i) => `line ${i} ${'x'.repeat(40)}`).join('\n');
    const chunks = splitText(text, 1000);
    expect(chunks.every((chunk) => chunk.length <= 1000)).toBe(true);
    expect(chunks.join('\n')).toBe(text);
  });

  it('packs blocks into messages Telegram accepts, losing nothing', () => {
    const blocks = Array.from({ length: 50 }, (_, i) => html`<b>#${i}</b> ${'é'.repeat(300)}`);
    const huge = html`<i>${'<&>'.repeat(3000)}</i>`;
    const messages = packMessages([...blocks, huge]);
    expect(messages.length).toBeGreaterThan(3);
    for (const message of messages) expect(visibleLength(message)).toBeLessThanOrEqual(MESSAGE_LIMIT);
    const total = messages.map((m) => m.value.replace(/<[^>]*>/g, '')).join('');
    expect(total.split('&lt;&amp;&gt;').length - 1).toBe(3000);
  });
});
