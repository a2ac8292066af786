import { LogLevel, type Logger as SlackLogger } from '@slack/logger';
import type { Logger } from '../../../src/logger.js';

const tokenPattern = /xox[a-z]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+/g;

function line(parts: unknown[]): string {
  return parts
    .map((part) => (part instanceof Error ? part.message : typeof part === 'string' ? part : JSON.stringify(part)))
    .join(' ')
    .replace(tokenPattern, 'xox?-…');
}

/**
 * Bolt and the Web API client log through the app's pino logger, tokens masked. Their
 * debug chatter (request bodies) is dropped; what they warn of is kept.
 */
export function boltLogger(logger: Logger): SlackLogger {
  const child = logger.child({ component: 'slack-sdk' });
  let level = LogLevel.INFO;
  return {
    debug: () => undefined,
    info: (...parts: unknown[]) => child.debug(line(parts)),
    warn: (...parts: unknown[]) => child.warn(line(parts)),
    error: (...parts: unknown[]) => child.error(line(parts)),
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
