import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { parseEnv } from '../../src/config/env.js';

const TOKEN = '123456789:AAHfakeTelegramTokenForTests_abcdefgh';

function issues(env: Record<string, string>): { path: string; message: string }[] {
  try {
    parseEnv(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  return [];
}

describe('environment', () => {
  it('has working defaults and skips channels without credentials', () => {
    const env = parseEnv({});
    expect(env).toMatchObject({ port: 3000, host: '0.0.0.0', logLevel: 'info', dataDir: './data', telegram: null, slack: null, smtp: null });
    expect(env.mongodbUri).toBeUndefined();
    expect(env.maxAttachmentBytes).toBe(20 * 1024 * 1024);
  });

  it('types Telegram by mode, with a stable derived webhook secret', () => {
    expect(parseEnv({ TELEGRAM_BOT_TOKEN: TOKEN }).telegram).toEqual({ token: TOKEN, mode: 'polling' });
    const hook = parseEnv({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_WEBHOOK_URL: 'https://help.example.com/telegram/webhook', TELEGRAM_API_ROOT: 'http://127.0.0.1:8081' }).telegram;
    expect(hook).toMatchObject({ mode: 'webhook', apiRoot: 'http://127.0.0.1:8081', webhookUrl: 'https://help.example.com/telegram/webhook' });
    expect(hook?.mode === 'webhook' && hook.secret).toMatch(/^[\w-]{20,}$/);
    const again = parseEnv({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_WEBHOOK_URL: 'https://help.example.com/telegram/webhook' }).telegram;
    expect(again?.mode === 'webhook' && again.secret).toBe(hook?.mode === 'webhook' && hook.secret);
  });

  it('types Slack by mode', () => {
    expect(parseEnv({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret-value' }).slack).toEqual({ botToken: 'xoxb-1', signingSecret: 'secret-value', mode: 'http' });
    expect(parseEnv({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' }).slack).toMatchObject({ mode: 'socket', appToken: 'xapp-1' });
  });

  it('names every bad or missing variable at once', () => {
    const found = issues({
      MONGODB_URI: 'postgres://x',
      PORT: '70000',
      LOG_LEVEL: 'loud',
      TELEGRAM_BOT_TOKEN: 'not-a-token',
      SLACK_BOT_TOKEN: 'xoxb-1',
      SMTP_URL: 'smtp://mail.example.com:25',
      MAX_ATTACHMENT_BYTES: '-5',
    });
    expect(found.map((issue) => issue.path).sort()).toEqual(['LOG_LEVEL', 'MAX_ATTACHMENT_BYTES', 'MONGODB_URI', 'PORT', 'TELEGRAM_BOT_TOKEN']);
    expect(issues({ SLACK_BOT_TOKEN: 'xoxb-1' })).toEqual([{ path: 'SLACK_SIGNING_SECRET', message: expect.stringContaining('SLACK_APP_TOKEN') }]);
    expect(issues({ SLACK_SIGNING_SECRET: 'abcdefghij' }).map((i) => i.path)).toEqual(['SLACK_BOT_TOKEN']);
    expect(issues({ TELEGRAM_WEBHOOK_URL: 'https://x.example' }).map((i) => i.path)).toEqual(['TELEGRAM_BOT_TOKEN']);
    expect(issues({ SMTP_URL: 'smtp://mail.example.com:25' }).map((i) => i.path)).toEqual(['SMTP_FROM']);
  });

  it('never repeats a secret in its messages', () => {
    const secret = 'xoxb-THIS-IS-SECRET';
    let message = '';
    try {
      parseEnv({ SLACK_BOT_TOKEN: secret, TELEGRAM_BOT_TOKEN: 'secret-telegram-token', SMTP_URL: 'ftp://user:p4ssw0rd@host' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('TELEGRAM_BOT_TOKEN');
    expect(message).not.toContain(secret);
    expect(message).not.toContain('secret-telegram-token');
    expect(message).not.toContain('p4ssw0rd');
  });
});
