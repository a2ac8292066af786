import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Structured logs. Anything that may carry a secret (tokens, authorization headers,
 * passwords in URLs) is redacted here, once, for every log line of the app.
 */
export function createLogger(level = 'info'): Logger {
  return pino({
    level,
    redact: {
      paths: [
        'token',
        '*.token',
        'password',
        '*.password',
        'authorization',
        '*.authorization',
        'req.headers.authorization',
        'req.headers["x-telegram-bot-api-secret-token"]',
        'headers.authorization',
        'uri',
        '*.uri',
      ],
      censor: '[redacted]',
    },
  });
}
