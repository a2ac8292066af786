import { describe, expect, it } from 'vitest';
import { describeNotifications, parseNotifyCommand, type NotifyVoice } from '../../src/people/notify-command.js';
import { defaultLocalesDir } from '../../src/i18n/locales-dir.js';
import { loadI18n } from '../../src/i18n/translate.js';

describe('parseNotifyCommand', () => {
  it('shows the setting without a word (or with help)', () => {
    expect(parseNotifyCommand('')).toEqual({ kind: 'show' });
    expect(parseNotifyCommand('  HELP ')).toEqual({ kind: 'show' });
  });

  it('reads mute, unmute and default, in any case', () => {
    expect(parseNotifyCommand('mute')).toEqual({ kind: 'change', change: { muted: true } });
    expect(parseNotifyCommand('Unmute')).toEqual({ kind: 'change', change: { muted: false } });
    expect(parseNotifyCommand('default')).toEqual({ kind: 'change', change: { channels: [] } });
  });

  it('reads channels separated by spaces or commas, once each, e-mail spelled either way', () => {
    expect(parseNotifyCommand('email')).toEqual({ kind: 'change', change: { channels: ['email'] } });
    expect(parseNotifyCommand('Telegram, e-mail telegram')).toEqual({ kind: 'change', change: { channels: ['telegram', 'email'] } });
    expect(parseNotifyCommand('slack,telegram,email')).toEqual({ kind: 'change', change: { channels: ['slack', 'telegram', 'email'] } });
  });

  it('names the first word it cannot read', () => {
    expect(parseNotifyCommand('telegram pigeon email')).toEqual({ kind: 'mistake', reason: 'unknown', word: 'pigeon' });
    expect(parseNotifyCommand('constructor')).toEqual({ kind: 'mistake', reason: 'unknown', word: 'constructor' });
    expect(parseNotifyCommand('y'.repeat(100))).toEqual({ kind: 'mistake', reason: 'unknown', word: 'y'.repeat(40) });
  });

  it('refuses a setting with other words', () => {
    expect(parseNotifyCommand('mute email')).toEqual({ kind: 'mistake', reason: 'alone', word: 'mute' });
    expect(parseNotifyCommand('email default')).toEqual({ kind: 'mistake', reason: 'alone', word: 'default' });
    expect(parseNotifyCommand('help email')).toEqual({ kind: 'mistake', reason: 'unknown', word: 'help' });
  });
});

describe('describeNotifications', () => {
  const i18n = loadI18n(defaultLocalesDir(), 'en');
  const voice = (locale: string): NotifyVoice => ({ t: (key, params) => i18n.translate(locale, key, params), command: '/notify', chat: 'telegram' });

  it('says where notices go and whether they are muted, in the person’s language', () => {
    expect(describeNotifications({ channels: [], muted: false }, voice('en'))).toBe(
      '🔔 Your notices come by chat on the platform you use, and by e-mail only when no chat reaches you.',
    );
    expect(describeNotifications({ channels: ['telegram', 'email'], muted: true }, voice('en'))).toBe(
      '🔕 Your notices are muted: only on-duty alerts come. Unmuted, they would come only by Telegram, e-mail.',
    );
    expect(describeNotifications({ channels: ['email'], muted: false }, voice('ru'))).toBe('🔔 Уведомления приходят только сюда: почта.');
  });
});
