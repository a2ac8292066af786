import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { ConfigError, type ConfigIssue } from './config-error.js';

const optionalText = z
  .string()
  .trim()
  .transform((value) => value || undefined)
  .optional();

const url = (protocols: string[], hint: string) =>
  z
    .string()
    .trim()
    .refine((value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    }, hint);

// Messages never repeat a value: several of these variables are secrets.
const schema = z.object({
  MONGODB_URI: url(['mongodb:', 'mongodb+srv:'], 'expected a mongodb:// or mongodb+srv:// URL').optional(),
  MONGOD_BINARY: optionalText,
  HELPDESK_CONFIG: optionalText,
  HELPDESK_DATA_DIR: z.string().trim().default('./data'),
  TELEGRAM_BOT_TOKEN: z.string().trim().regex(/^\d+:[\w-]{20,}$/, 'expected a token from BotFather, like 123456:ABC-...').optional(),
  TELEGRAM_API_ROOT: url(['http:', 'https:'], 'expected an http(s) URL of a Bot API server').optional(),
  TELEGRAM_WEBHOOK_URL: url(['https:', 'http:'], 'expected the public https URL Telegram should call').optional(),
  TELEGRAM_WEBHOOK_SECRET: z.string().regex(/^[\w-]{1,256}$/, 'expected 1-256 characters A-Z, a-z, 0-9, _ or -').optional(),
  SLACK_BOT_TOKEN: z.string().trim().startsWith('xoxb-', 'expected a bot token starting with xoxb-').optional(),
  SLACK_SIGNING_SECRET: z.string().trim().min(8, 'expected the signing secret of the Slack app').optional(),
  SLACK_APP_TOKEN: z.string().trim().startsWith('xapp-', 'expected an app-level token starting with xapp-').optional(),
  SLACK_API_URL: url(['http:', 'https:'], 'expected an http(s) URL of the Slack Web API').optional(),
  SMTP_URL: url(['smtp:', 'smtps:'], 'expected smtp://user:pass@host:port or smtps://...').optional(),
  SMTP_FROM: optionalText,
  PORT: z.coerce.number().int('expected a whole number').min(1, 'expected 1-65535').max(65535, 'expected 1-65535').default(3000),
  HOST: z.string().trim().min(1).default('0.0.0.0'),
  DATABASE_WAIT_SECONDS: z.coerce.number().int('expected a whole number of seconds').min(0, 'expected 0 or more seconds').default(60),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MAX_ATTACHMENT_BYTES: z.coerce.number().int('expected a whole number of bytes').positive('expected a positive number of bytes').default(20 * 1024 * 1024),
  PUBLIC_URL: url(['http:', 'https:'], 'expected the public http(s) URL of this helpdesk').optional(),
  MAIL_IN_SMTP_PORT: z.coerce.number().int('expected a whole number').min(1, 'expected 1-65535').max(65535, 'expected 1-65535').optional(),
  MAIL_IN_SMTP_HOST: z.string().trim().min(1).default('127.0.0.1'),
  TRUST_PROXY: z
    .string()
    .trim()
    .regex(/^(true|[\d.:a-fA-F/]+(,[\d.:a-fA-F/]+)*)$/, 'expected true, or the addresses (or CIDR ranges) of the proxies, comma-separated')
    .optional(),
});

/** Fastify's trustProxy from TRUST_PROXY: whom to believe about the client's address (X-Forwarded-For). */
function trustProxyOf(value: string | undefined): boolean | string {
  if (!value) return false;
  return value === 'true' ? true : value;
}

export type TelegramSettings =
  | { token: string; apiRoot?: string; mode: 'polling' }
  | { token: string; apiRoot?: string; mode: 'webhook'; webhookUrl: string; secret: string };

export type SlackSettings =
  | { botToken: string; signingSecret: string; apiUrl?: string; mode: 'http' }
  | { botToken: string; appToken: string; signingSecret?: string; apiUrl?: string; mode: 'socket' };

export interface Env {
  mongodbUri?: string;
  mongodBinary?: string;
  helpdeskConfig?: string;
  dataDir: string;
  port: number;
  host: string;
  logLevel: string;
  /** How long the start waits for the database before giving up (DATABASE_WAIT_SECONDS). */
  databaseWaitMs: number;
  /** Whom to believe about the client's address behind a reverse proxy (TRUST_PROXY): false, true, or the proxies' addresses. */
  trustProxy: boolean | string;
  maxAttachmentBytes: number;
  /** An inbound SMTP listener for a relay (MAIL_IN_SMTP_PORT), or null. */
  mailInSmtp: { host: string; port: number } | null;
  publicUrl?: string;
  telegram: TelegramSettings | null;
  slack: SlackSettings | null;
  smtp: { url: string; from: string } | null;
}

/** A webhook secret that stays the same across restarts without another variable to manage. */
function derivedWebhookSecret(token: string): string {
  return createHmac('sha256', 'telegram-webhook').update(token).digest('base64url');
}

/**
 * Validates the environment once, at start. Throws ConfigError naming every bad or missing
 * variable; a channel whose credentials are absent is null (not started), a half-configured
 * one is an error.
 */
export function parseEnv(env: NodeJS.ProcessEnv): Env {
  const blankless = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''));
  const parsed = schema.safeParse(blankless);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ path: String(issue.path[0] ?? 'environment'), message: issue.message }));
    throw new ConfigError('Invalid environment:', issues);
  }
  const e = parsed.data;
  const issues: ConfigIssue[] = [];

  let telegram: TelegramSettings | null = null;
  if (e.TELEGRAM_BOT_TOKEN) {
    const base = { token: e.TELEGRAM_BOT_TOKEN, ...(e.TELEGRAM_API_ROOT ? { apiRoot: e.TELEGRAM_API_ROOT } : {}) };
    telegram = e.TELEGRAM_WEBHOOK_URL
      ? { ...base, mode: 'webhook', webhookUrl: e.TELEGRAM_WEBHOOK_URL, secret: e.TELEGRAM_WEBHOOK_SECRET ?? derivedWebhookSecret(e.TELEGRAM_BOT_TOKEN) }
      : { ...base, mode: 'polling' };
  } else {
    for (const name of ['TELEGRAM_WEBHOOK_URL', 'TELEGRAM_API_ROOT', 'TELEGRAM_WEBHOOK_SECRET'] as const) {
      if (e[name]) issues.push({ path: 'TELEGRAM_BOT_TOKEN', message: `required when ${name} is set` });
    }
  }

  let slack: SlackSettings | null = null;
  const apiUrl = e.SLACK_API_URL ? { apiUrl: e.SLACK_API_URL } : {};
  if (e.SLACK_BOT_TOKEN && e.SLACK_APP_TOKEN) {
    slack = { botToken: e.SLACK_BOT_TOKEN, appToken: e.SLACK_APP_TOKEN, ...(e.SLACK_SIGNING_SECRET ? { signingSecret: e.SLACK_SIGNING_SECRET } : {}), ...apiUrl, mode: 'socket' };
  } else if (e.SLACK_BOT_TOKEN && e.SLACK_SIGNING_SECRET) {
    slack = { botToken: e.SLACK_BOT_TOKEN, signingSecret: e.SLACK_SIGNING_SECRET, ...apiUrl, mode: 'http' };
  } else if (e.SLACK_BOT_TOKEN) {
    issues.push({ path: 'SLACK_SIGNING_SECRET', message: 'required with SLACK_BOT_TOKEN (or set SLACK_APP_TOKEN for Socket Mode)' });
  } else if (e.SLACK_SIGNING_SECRET || e.SLACK_APP_TOKEN) {
    issues.push({ path: 'SLACK_BOT_TOKEN', message: 'required when SLACK_SIGNING_SECRET or SLACK_APP_TOKEN is set' });
  }

  let smtp: Env['smtp'] = null;
  if (e.SMTP_URL) {
    const from = e.SMTP_FROM ?? (new URL(e.SMTP_URL).username ? decodeURIComponent(new URL(e.SMTP_URL).username) : undefined);
    if (from && from.includes('@')) smtp = { url: e.SMTP_URL, from };
    else issues.push({ path: 'SMTP_FROM', message: 'required with SMTP_URL: the sender address, like "Helpdesk <help@example.com>"' });
  }
  if (issues.length > 0) throw new ConfigError('Invalid environment:', issues);

  return {
    ...(e.MONGODB_URI ? { mongodbUri: e.MONGODB_URI } : {}),
    ...(e.MONGOD_BINARY ? { mongodBinary: e.MONGOD_BINARY } : {}),
    ...(e.HELPDESK_CONFIG ? { helpdeskConfig: e.HELPDESK_CONFIG } : {}),
    ...(e.PUBLIC_URL ? { publicUrl: e.PUBLIC_URL } : {}),
    dataDir: e.HELPDESK_DATA_DIR,
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    databaseWaitMs: e.DATABASE_WAIT_SECONDS * 1000,
    trustProxy: trustProxyOf(e.TRUST_PROXY),
    maxAttachmentBytes: e.MAX_ATTACHMENT_BYTES,
    mailInSmtp: e.MAIL_IN_SMTP_PORT ? { host: e.MAIL_IN_SMTP_HOST, port: e.MAIL_IN_SMTP_PORT } : null,
    telegram,
    slack,
    smtp,
  };
}
