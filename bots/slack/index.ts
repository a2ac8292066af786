import { App, SocketModeReceiver, type Receiver } from '@slack/bolt';
import type { FastifyInstance } from 'fastify';
import { systemClock } from '../../src/clock.js';
import { ChannelStartError, type ChatChannel } from '../../src/notify/channel.js';
import { createCardRenderer } from './card-renderer.js';
import { createSlackChannel } from './channel.js';
import { defaultSlackLimits, type SlackBotDeps } from './deps.js';
import { cardActionsFeature } from './features/card-actions.js';
import { commandsFeature } from './features/commands.js';
import { conversationFeature } from './features/conversation.js';
import { homeFeature } from './features/home.js';
import { membershipFeature } from './features/membership.js';
import { newTicketFeature } from './features/new-ticket.js';
import { ratingFeature } from './features/rating.js';
import { createAdminAlerts } from './runtime/admin-alerts.js';
import { boltLogger } from './runtime/bolt-logger.js';
import { dedupeEvents } from './runtime/event-dedupe.js';
import { FastifyReceiver } from './runtime/fastify-receiver.js';
import { pruneSlackState } from './runtime/housekeeping.js';
import { createSlackPeople } from './runtime/people.js';
import { createSlackApi, webClientOptions } from './runtime/slack-api.js';
import { describeSlackError, isTokenProblem, slackErrorCode } from './runtime/slack-errors.js';
import { createSlackFiles } from './runtime/slack-files.js';
import type { SlackServices } from './services.js';
import { ticketThreads } from './store/threads.js';
import { inOrderPerDialog } from './runtime/event-order.js';

export type { SlackBotDeps } from './deps.js';

export interface SlackBot {
  app: App;
  /** Register with the core's ChannelRegistry: cards and notices go out through it. */
  channel: ChatChannel;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** HTTP mode only: registers POST /slack/events on the helpdesk's server. */
  route?: (fastify: FastifyInstance) => Promise<void>;
}

const STOP_GRACE_MS = 10_000;
const PRUNE_EVERY_MS = 6 * 3600 * 1000;

interface BotIdentity {
  botUserId: string;
  botId: string;
  teamId: string;
}

/**
 * Builds the Slack app: the Home tab, the new ticket modal and shortcuts, DM threads per
 * ticket, Block Kit cards in department channels, `/helpdesk`, and the ChatChannel the core
 * delivers through. Events arrive over HTTP on the helpdesk's own server, or over Socket
 * Mode when an app token is given. Nothing connects until start(); no token is ever logged.
 */
export function createSlackBot(deps: SlackBotDeps): SlackBot {
  const { models, logger, slack } = deps;
  const limits = { ...defaultSlackLimits, ...deps.limits };
  const clock = deps.clock ?? systemClock;
  const clientOptions = webClientOptions(slack.apiUrl, limits, logger);
  const api = createSlackApi(slack.botToken, clientOptions, limits);
  let identity: BotIdentity | null = null;

  const httpReceiver = slack.mode === 'http' ? new FastifyReceiver({ signingSecret: slack.signingSecret, logger, clock, ackTimeoutMs: limits.ackTimeoutMs }) : null;
  const receiver: Receiver =
    httpReceiver ??
    new SocketModeReceiver({ appToken: slack.mode === 'socket' ? slack.appToken : '', logger: boltLogger(logger), installerOptions: { clientOptions } });

  const app = new App({
    receiver,
    // One workspace, one token: the identity comes from auth.test at start.
    authorize: () => {
      if (!identity) return Promise.reject(new Error('the Slack app is not started'));
      return Promise.resolve({ botToken: slack.botToken, botId: identity.botId, botUserId: identity.botUserId, teamId: identity.teamId });
    },
    clientOptions,
    logger: boltLogger(logger),
  });

  const cards = createCardRenderer({ models, i18n: deps.i18n, orgLocale: deps.org.locale, timeZone: deps.org.timezone });
  const people = createSlackPeople({ api, models, org: deps.org, logger });
  const alerts = createAdminAlerts({ api, models, i18n: deps.i18n, logger, clock, locale: deps.org.locale });
  const threads = ticketThreads(models);
  const slackFiles = createSlackFiles({ token: slack.botToken, files: deps.files, ...(slack.apiUrl ? { apiUrl: slack.apiUrl } : {}) });
  const services: SlackServices = { ...deps, api, clock, people, threads, cards, alerts, slackFiles };
  const channel = createSlackChannel({ api, models, i18n: deps.i18n, files: deps.files, cards, threads, people, alerts, logger });
  const botUserId = () => identity?.botUserId ?? '';

  let inFlight = 0;
  const idleWaiters: (() => void)[] = [];
  app.use(async ({ next }) => {
    inFlight += 1;
    try {
      await next();
    } finally {
      inFlight -= 1;
      if (inFlight === 0) for (const wake of idleWaiters.splice(0)) wake();
    }
  });
  // In order before anything that waits (the dedupe's write): the order is the one of arrival.
  app.use(inOrderPerDialog());
  app.use(dedupeEvents(models, logger, clock));

  homeFeature(app, services);
  newTicketFeature(app, services);
  commandsFeature(app, services, { reports: { progressIntervalMs: limits.reportProgressIntervalMs } });
  cardActionsFeature(app, services);
  ratingFeature(app, services);
  conversationFeature(app, services, botUserId);
  membershipFeature(app, services, botUserId);

  app.error(async (error) => {
    logger.error({ err: describeSlackError(error.original ?? error), code: error.code }, 'slack request failed');
  });

  let pruning: NodeJS.Timeout | null = null;
  async function pruneOldState(): Promise<void> {
    const pruned = await pruneSlackState(models, clock());
    if (Object.values(pruned).some(Boolean)) logger.info({ pruned }, 'old slack app state pruned');
  }

  return {
    app,
    channel,
    ...(httpReceiver ? { route: httpReceiver.route } : {}),
    async start() {
      try {
        const auth = await api.call('auth.test', {});
        identity = { botUserId: String(auth.user_id), botId: String(auth.bot_id ?? ''), teamId: String(auth.team_id ?? '') };
        await pruneOldState();
        await app.start();
      } catch (error) {
        identity = null;
        const code = slackErrorCode(error);
        throw new ChannelStartError(`slack app failed to start: ${describeSlackError(error).message}`, isTokenProblem(code));
      }
      if (!pruning) {
        pruning = setInterval(() => {
          pruneOldState().catch((error: unknown) => logger.warn({ err: describeSlackError(error) }, 'pruning slack app state failed'));
        }, PRUNE_EVERY_MS);
        pruning.unref();
      }
      logger.info({ mode: slack.mode, botUserId: identity.botUserId, team: identity.teamId }, 'slack app started');
    },
    async stop() {
      if (pruning) clearInterval(pruning);
      pruning = null;
      await app.stop().catch((error: unknown) => logger.warn({ err: describeSlackError(error) }, 'slack receiver did not stop cleanly'));
      if (inFlight > 0) {
        await new Promise<void>((resolve) => {
          idleWaiters.push(resolve);
          setTimeout(resolve, STOP_GRACE_MS).unref();
        });
      }
      logger.info('slack app stopped');
    },
  };
}
