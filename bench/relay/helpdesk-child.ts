import pino from 'pino';
import { parseEnv } from '../../src/config/env.js';
import { startHelpdesk } from '../../src/main.js';
import { guardProcess } from '../../src/process-guard.js';
import { serveCounters } from './child-protocol.js';

/**
 * The helpdesk as `npm start` runs it (the composition root, every part), started by the relay
 * benchmark against its Bot API fake with the platforms' rate limits lifted.
 */
const env = parseEnv(process.env);
const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn' });
const telegramLimits = { globalPerSecond: 1_000_000, groupPerMinute: 1_000_000, privateBurst: 0 };
const slackLimits = { channelIntervalMs: 0, tierPerMinute: { 2: 1_000_000, 3: 1_000_000, 4: 1_000_000 } };
guardProcess(logger);
const running = await startHelpdesk(env, logger, undefined, { telegramLimits, slackLimits });
serveCounters([running.db.connection.getClient()], () => running.shutdown.shutdown('benchmark done'));
