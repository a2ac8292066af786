import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatBytes } from '../../src/i18n/format-bytes.js';
import { defaultLocalesDir } from '../../src/i18n/locales-dir.js';

const dir = defaultLocalesDir();
const russian = Object.assign({}, ...readdirSync(dir).filter((f) => /^ru(\..+)?\.json$/.test(f)).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Record<string, string>)) as Record<string, string>;
const english = JSON.parse(readFileSync(join(dir, 'en.json'), 'utf8')) as Record<string, string>;

describe('Russian wording', () => {
  it('needs no gender: no "(а)" forms anywhere', () => {
    expect(Object.entries(russian).filter(([, text]) => /\(а\)|\(ла\)|\(ась\)/.test(text)).map(([key]) => key)).toEqual([]);
  });

  it('puts a name where no declension is needed: after a colon, never as the object of "от" or "у"', () => {
    expect(Object.entries(russian).filter(([, text]) => /(?:\sот|\sу)\s\{(actor|owner|name)\}/.test(text)).map(([key]) => key)).toEqual([]);
  });

  it('gives Note and Close different icons on the card', () => {
    for (const texts of [english, russian]) expect([...texts['button.note']!][0]).not.toBe([...texts['button.close']!][0]);
  });

  it('writes sizes in Russian units, with a decimal comma', () => {
    expect(formatBytes(20 * 1024 * 1024, 'ru')).toBe('20 МБ');
    expect(formatBytes(1536, 'ru')).toBe('1,5 КБ');
    expect(formatBytes(300, 'ru')).toBe('300 Б');
    expect(formatBytes(1536)).toBe('1.5 KB');
  });
});
