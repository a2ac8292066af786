import { isDeactivatedAccount } from '../../src/people/directory.js';
import { sequentialize, type RunnerHandle } from '@grammyjs/runner';
import { Bot, GrammyError, session } from 'grammy';
import type { Update } from 'grammy/types';
import type { FastifyInstance } from 'fastify';
import { systemClock } from '../../src/clock.js';
import { ChannelStartError, type ChatChannel } from '../../src/notify/channel.js';
import { createCardRenderer } from './card-renderer.js';
import { createTelegramChannel } from './channel.js';
import type { BotContext, SessionData } from './context.js';
import { defaultLimits, type TelegramBotDeps } from './deps.js';
import { agentCommandsFeature } from './features/agent-commands.js';
import { bindFeature } from './features/bind.js';
import { cardActionsFeature } from './features/card-actions.js';
import { catchAllFeature } from './features/catch-all.js';
import { chatMigrationFeature } from './features/chat-migration.js';
import { langFeature } from './features/lang.js';
import { myTicketsFeature } from './features/my-tickets.js';
import { newTicketFeature } from './features/new-ticket/dialog.js';
import { newTicketInput } from './features/new-ticket/input.js';
import { notifyFeature } from './features/notify.js';
import { ratingFeature } from './features/rating.js';
import { reportsFeature } from './features/reports.js';
import { createReportBuilds } from '../../src/reports/report-builds.js';
import { repliesFeature } from './features/replies.js';
import { scheduleFeature } from './features/schedule.js';
import { startFeature } from './features/start.js';
import { ticketViews } from './features/ticket-views.js';
import { answerEveryCallback } from './runtime/answer-callbacks.js';
import { createDownloader } from './runtime/attachments.js';
import { decodeButtons } from './runtime/buttons.js';
import { setCommandMenu } from './runtime/commands-menu.js';
import { dedupeUpdates } from './runtime/dedupe.js';
import { pruneBotState } from './runtime/housekeeping.js';
import { errorBoundary } from './runtime/error-boundary.js';
import { identify } from './runtime/identify.js';
import { inFlight } from './runtime/in-flight.js';
import { createOptional } from './runtime/non-essential.js';
import { createRedact, describeError, sanitizedError } from './runtime/redact.js';
import { retryTransformer } from './runtime/retry.js';
import { createThrottle } from './runtime/throttle.js';
import { answerShapeTransformer, deadlineTransformer, defaultDeadlines } from './runtime/deadline.js';
import { startPolling } from './runtime/polling.js';
import { updateOrderKeys } from './runtime/update-order.js';
import { WEBHOOK_PATH, webhookRoute } from './runtime/webhook-route.js';
import type { BotServices } from './services.js';
import { createInbox, type Inbox } from './store/inbox.js';
import { messageLinks } from './store/message-links.js';
import { sessionStorage } from './store/session-storage.js';
import { userLanguages } from './store/user-languages.js';
import { createCallbackCodec } from './ui/callback-data.js';

export type { TelegramBotDeps } from './deps.js';

export interface TelegramBot {
  bot: Bot<BotContext>;
  /** Register with the core's ChannelRegistry: cards and notices go out through it. */
  channel: ChatChannel;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Webhook mode only: registers POST /telegram/webhook on the app. */
  webhookRoute?: (app: FastifyInstance) => Promise<void>;
}

const DEFAULT_API_ROOT = 'https://api.telegram.org';
const allowedUpdates = ['message', 'callback_query', 'my_chat_member'] as const;
const STOP_GRACE_MS = 10_000;
const PRUNE_EVERY_MS = 6 * 3600 * 1000;
/** Telegram keeps an unconfirmed update for a day; older stored ones are not worth handling. */
const INBOX_RECOVERY_MS = 24 * 3600 * 1000;

/**
 * Builds the Telegram bot: requester dialogs in private chats, ticket cards in department
 * groups, agents' commands, and the ChatChannel the core delivers through. Nothing connects
 * until start(); the token appears in no log line.
 */
export function createTelegramBot(deps: TelegramBotDeps): TelegramBot {
  const { models, logger, telegram } = deps;
  const limits = { ...defaultLimits, ...deps.limits };
  const apiRoot = (telegram.apiRoot ?? DEFAULT_API_ROOT).replace(/\/+$/, '');
  const redact = createRedact(telegram.token);
  const optional = createOptional(logger, redact);

  const bot = new Bot<BotContext>(telegram.token, { client: { apiRoot } });
  // Innermost the shape of answers and the deadline of each attempt, then the throttle (its
  // waits are not the peer's fault), retry around it all: each retry waits for a free slot again.
  bot.api.config.use(answerShapeTransformer());
  bot.api.config.use(deadlineTransformer({ ...defaultDeadlines, ...deps.deadlines }));
  const throttle = createThrottle({
    globalPerSecond: limits.globalPerSecond,
    groupPerMinute: limits.groupPerMinute,
    ...(limits.privateBurst > 0 ? { privateBurst: limits.privateBurst } : {}),
  });
  bot.api.config.use(throttle.transformer);
  bot.api.config.use(retryTransformer({ attempts: limits.retryAttempts, baseDelayMs: limits.retryBaseDelayMs }));

  const codec = createCallbackCodec(telegram.token);
  const links = messageLinks(models, logger);
  const languages = userLanguages(models);
  const org = { ...deps.org, timezone: deps.org.timezone ?? 'UTC' };
  const cards = createCardRenderer({ models, i18n: deps.i18n, codec, orgLocale: org.locale, timeZone: org.timezone });
  const downloader = createDownloader({ api: bot.api, token: telegram.token, apiRoot, files: deps.files, redact });
  const services: BotServices = { ...deps, api: bot.api, org, codec, links, cards, downloader, redact, optional };
  const channel = createTelegramChannel({ ...services, languages, throttle });
  const views = ticketViews(services);
  const tracker = inFlight();
  const clock = deps.clock ?? systemClock;
  const reportBuilds = createReportBuilds();

  bot.use(tracker.middleware);
  // Outside everything that reads the database, so a press is answered even when that fails.
  bot.use(answerEveryCallback(logger, redact));
  // A private chat's updates in order, a group's in order per ticket and per person (see update-order.ts).
  bot.use(sequentialize(updateOrderKeys));
  // Claimed when its turn comes, not before: one still waiting in its chat's queue when the
  // process dies has not begun, and the inbox hands it over again at the next start.
  bot.use(dedupeUpdates(models, logger));
  const sessions = sessionStorage(models, { cacheReads: telegram.mode === 'polling' });
  bot.use(
    session<SessionData, BotContext>({
      initial: () => ({}),
      storage: sessions,
      // Dialogs happen in private chats only; groups have no session.
      getSessionKey: (ctx) => (ctx.chat?.type === 'private' ? String(ctx.chat.id) : undefined),
    }),
  );
  bot.use(identify({ models, i18n: deps.i18n, languages }));
  bot.use(errorBoundary(logger, redact, (userId) => isDeactivatedAccount(models, 'telegram', userId)));
  bot.use(decodeButtons(codec));

  // Features, in the order they get a chance at an update; the catch-all is last.
  bot.use(chatMigrationFeature(services));
  bot.use(startFeature(services));
  bot.use(langFeature(services));
  bot.use(newTicketFeature(services));
  bot.use(myTicketsFeature(services, views));
  bot.use(agentCommandsFeature(services, views));
  bot.use(bindFeature(services));
  bot.use(scheduleFeature(services, clock));
  bot.use(reportsFeature(services, { clock, builds: reportBuilds, progressEveryMs: limits.reportProgressMs }));
  bot.use(notifyFeature(services));
  bot.use(cardActionsFeature(services, views));
  bot.use(ratingFeature(services));
  bot.use(repliesFeature(services));
  bot.use(newTicketInput(services));
  bot.use(catchAllFeature(services));

  bot.catch((error) => {
    logger.error({ err: describeError(error.error, redact), update: error.ctx.update.update_id }, 'telegram update failed');
  });

  let runner: RunnerHandle | null = null;
  let accepting = false;
  let inbox: Inbox | null = null;
  const handled = new Set<Promise<void>>();

  let pruning: NodeJS.Timeout | null = null;
  async function pruneOldState(): Promise<void> {
    const pruned = await pruneBotState(models, deps.files, clock());
    if (Object.values(pruned).some(Boolean)) logger.info({ pruned }, 'old telegram bot state pruned');
  }

  /** Handles what a crash left in the inbox: stored, never begun. */
  async function handleLeftovers(stored: Inbox): Promise<void> {
    const leftovers = await stored.unhandled(new Date(clock().getTime() - INBOX_RECOVERY_MS));
    for (const update of leftovers) {
      await bot.handleUpdate(update).catch((error: unknown) => logger.error({ err: describeError(error, redact) }, 'telegram update failed'));
    }
    if (leftovers.length) logger.warn({ updates: leftovers.length }, 'telegram updates received before an unclean stop were handled');
  }

  /** Housekeeping every few hours, from the first successful start on. */
  function schedulePruning(): void {
    if (pruning) return;
    pruning = setInterval(() => {
      pruneOldState().catch((error: unknown) => logger.warn({ err: describeError(error, redact) }, 'pruning telegram bot state failed'));
    }, PRUNE_EVERY_MS);
    pruning.unref();
  }

  /** Starts taking updates: Telegram calls the webhook, or the bot polls. */
  async function openIntake(stored: Inbox): Promise<void> {
    if (telegram.mode === 'webhook') {
      const publicPath = new URL(telegram.webhookUrl).pathname;
      if (publicPath !== WEBHOOK_PATH) {
        logger.warn({ publicPath, servedAt: WEBHOOK_PATH }, 'TELEGRAM_WEBHOOK_URL has another path than the one the helpdesk serves: the reverse proxy must forward it there');
      }
      await bot.api.setWebhook(telegram.webhookUrl, { secret_token: telegram.secret, allowed_updates: [...allowedUpdates] });
      accepting = true;
      return;
    }
    // A webhook left from an earlier run would make getUpdates fail with 409.
    await bot.api.deleteWebhook();
    runner = startPolling(bot, stored, { allowedUpdates, logger, redact });
    void runner.task()?.catch((error: unknown) => logger.error({ err: describeError(error, redact) }, 'telegram polling stopped'));
  }

  /** getMe, housekeeping, leftovers, then updates start flowing. A failure leaves nothing running. */
  async function begin(): Promise<void> {
    // Not bot.init(): it retries a network failure forever, and start() must end, with an error if need be.
    if (!bot.isInited()) bot.botInfo = await bot.api.getMe();
    const stored = createInbox(models, bot.botInfo.id, clock);
    await pruneOldState();
    // Polling: this process receives every update, so what is stored now, and what it writes
    // later, is all there is; a person's first message then reads neither.
    if (telegram.mode === 'polling') await Promise.all([sessions.preload(), languages.preload()]);
    await handleLeftovers(stored);
    inbox = stored;
    void setCommandMenu(bot.api, deps.i18n, optional);
    await openIntake(stored);
    schedulePruning();
    logger.info({ mode: telegram.mode, bot: bot.botInfo.username }, 'telegram bot started');
  }

  function handleInBackground(update: Update): void {
    const task = bot
      .handleUpdate(update)
      .catch((error: unknown) => logger.error({ err: describeError(error, redact) }, 'telegram webhook update failed'))
      .finally(() => handled.delete(task));
    handled.add(task);
  }

  const result: TelegramBot = {
    bot,
    channel,
    async start() {
      try {
        await begin();
      } catch (error) {
        // 401/404 from getMe: the token is wrong or revoked; anything else may pass.
        const refused = error instanceof GrammyError && (error.error_code === 401 || error.error_code === 404);
        throw new ChannelStartError(sanitizedError(error, redact, 'telegram bot failed to start').message, refused);
      }
    },
    async stop() {
      accepting = false;
      inbox = null;
      if (pruning) clearInterval(pruning);
      pruning = null;
      if (runner?.isRunning()) await runner.stop();
      runner = null;
      await Promise.all([...handled]);
      await tracker.idle(STOP_GRACE_MS);
      // Reports run outside the updates that asked for them: let them finish too.
      await reportBuilds.idle(STOP_GRACE_MS);
      await links.flush().catch((error: unknown) => logger.warn({ err: describeError(error, redact) }, 'telegram: message links not stored at shutdown'));
      logger.info('telegram bot stopped');
    },
  };
  if (telegram.mode === 'webhook') {
    result.webhookRoute = webhookRoute({
      secret: telegram.secret,
      accept: async (update) => {
        if (!accepting || !inbox) return false;
        const fresh = await inbox.store([update]);
        if (fresh.length === 0) logger.info({ updateId: update.update_id }, 'telegram sent updates again that were already received: dropped');
        for (const stored of fresh) handleInBackground(stored);
        return true;
      },
    });
  }
  return result;
}
