import { Composer, InputFile } from 'grammy';
import type { Clock } from '../../../src/clock.js';
import { isHelpdeskError } from '../../../src/errors.js';
import type { Actor } from '../../../src/people/actor.js';
import { reportDepartments } from '../../../src/reports/report-access.js';
import type { Grouping } from '../../../src/reports/report-grouping.js';
import type { ReportPeriod } from '../../../src/reports/report-period.js';
import type { ReportBuilds } from '../../../src/reports/report-builds.js';
import { createReportService } from '../../../src/reports/report-service.js';
import type { BotContext } from '../context.js';
import { InvalidButtonError } from '../runtime/bot-errors.js';
import { onButton } from '../runtime/buttons.js';
import { userMessage } from '../runtime/error-boundary.js';
import { isGroup, replyParameters, requireActor } from '../runtime/guards.js';
import { describeError } from '../runtime/redact.js';
import { isForbidden } from '../runtime/telegram-errors.js';
import type { BotServices } from '../services.js';
import { ALERT_LIMIT, truncate } from '../ui/html.js';
import { groupingKeyboard, menuChoice, periodKeyboard, periodLabel, reportAction } from '../ui/report-menu.js';
import { TELEGRAM_UPLOAD_LIMIT } from '../ui/report-too-large.js';
import { deliverReport } from './reports/deliver-report.js';

export interface ReportsFeatureOptions {
  clock: Clock;
  builds: ReportBuilds;
  /** Least time between two edits of a progress message (default 1.5 s). */
  progressEveryMs?: number;
  /** Largest workbook sent as a document (default: Telegram's 50 MB). */
  uploadLimitBytes?: number;
}

const PROGRESS_EVERY_MS = 1500;
/** Menus remembered as used (a press read before its menu lost the buttons still shows them). */
const USED_MENUS_KEPT = 500;

/** Quoting the message that asked, when there is one. */
function quoteOf(messageId: number | undefined) {
  return messageId ? { reply_parameters: { message_id: messageId, allow_sending_without_reply: true } } : {};
}

/**
 * `/report [period] [grouping]` (an Excel workbook) and `/stats [period]` (a chart with three
 * lines) for managers and coordinators, in private chats and groups. `/report` alone asks
 * for the period, then the grouping, with buttons only its asker may press. The workbook
 * lists people and their tickets, so asked for in a group it goes to the asker's private
 * chat; the chart and its figures answer where they were asked. Who may see which
 * departments is the report service's rule; a refusal goes to the error boundary.
 */
export function reportsFeature(services: BotServices, options: ReportsFeatureOptions): Composer<BotContext> {
  const { codec, logger, redact } = services;
  const reports = createReportService({ models: services.models, i18n: services.i18n, clock: options.clock, timezone: services.org.timezone });
  const delivery = {
    api: services.api,
    optional: services.optional,
    progressEveryMs: options.progressEveryMs ?? PROGRESS_EVERY_MS,
    uploadLimitBytes: options.uploadLimitBytes ?? TELEGRAM_UPLOAD_LIMIT,
  };
  const usedMenus = new Set<string>();
  const composer = new Composer<BotContext>();

  /** Who may ask at all: the refusal comes before any menu or form is shown. */
  function reporter(ctx: BotContext): Actor {
    const actor = requireActor(ctx);
    reportDepartments(actor);
    return actor;
  }

  async function mistake(ctx: BotContext, key: string, params: Record<string, string | number>, kind: 'report' | 'stats'): Promise<void> {
    await ctx.reply(`${ctx.t(key, params)}\n\n${reports.usage(ctx.locale, `/${kind}`, kind)}`, replyParameters(ctx));
  }

  /** What a failed build tells its asker; the unexpected ones are logged with who asked. */
  function explain(ctx: BotContext, error: unknown): string {
    if (!isHelpdeskError(error)) logger.error({ chat: ctx.chat?.id, from: ctx.from?.id, err: describeError(error, redact) }, 'telegram report failed');
    return userMessage(ctx, error);
  }

  /** The sender's translation as a plain function, for what runs or renders away from the context. */
  const translate = (ctx: BotContext) => (key: string, params?: Record<string, string | number>) => ctx.t(key, params);

  /**
   * Starts the build in the background, unless this person already waits for one. Asked in
   * a group, it goes to the asker's private chat and the group is told so; a person who
   * never opened a chat with the bot is asked to, as Telegram lets no bot write first.
   */
  async function startReport(ctx: BotContext, actor: Actor, period: ReportPeriod, grouping: Grouping, replyTo: number | undefined): Promise<void> {
    const askedIn = ctx.chat!.id;
    const privately = isGroup(ctx);
    const t = translate(ctx);
    const inGroup = async (text: string): Promise<void> => {
      await services.optional('answering about a report in the group', ctx.api.sendMessage(askedIn, text, quoteOf(replyTo)));
    };
    const started = options.builds.run(String(actor.id), () =>
      deliverReport(delivery, {
        chatId: privately ? ctx.from!.id : askedIn,
        ...(replyTo && !privately ? { replyTo } : {}),
        ...(privately ? { onStarted: () => inGroup(t('tg.report.sent_privately')) } : {}),
        t,
        build: (onProgress) => reports.workbook(actor, { period, grouping, locale: ctx.locale, onProgress }),
        explain: (error) => explain(ctx, error),
      }).catch(async (error: unknown) => {
        if (privately && isForbidden(error)) return inGroup(t('tg.report.open_private', { bot: ctx.me.username }));
        logger.warn({ chat: askedIn, err: describeError(error, redact) }, 'telegram report could not be delivered');
      }),
    );
    if (!started) await ctx.reply(ctx.t('tg.report.busy'), replyParameters(ctx));
  }

  composer.command('report', async (ctx) => {
    const actor = reporter(ctx);
    const parsed = reports.parseReport(ctx.match);
    if (parsed.kind === 'mistake') await mistake(ctx, parsed.key, parsed.params, 'report');
    else if (parsed.kind === 'report') await startReport(ctx, actor, parsed.period, parsed.grouping, ctx.msg.message_id);
    else await ctx.reply(ctx.t('tg.report.choose_period'), { ...replyParameters(ctx), reply_markup: periodKeyboard(codec, ctx.chat.id, ctx.from!.id, translate(ctx)) });
  });

  composer.command('stats', async (ctx) => {
    const actor = reporter(ctx);
    const parsed = reports.parseStats(ctx.match);
    if (parsed.kind === 'mistake') {
      await mistake(ctx, parsed.key, parsed.params, 'stats');
      return;
    }
    const chatId = ctx.chat.id;
    const quote = replyParameters(ctx);
    // A year's chart reads a year of tickets: like a report, it must not hold up the chat's other updates.
    const started = options.builds.run(String(actor.id), async () => {
      try {
        const stats = await reports.stats(actor, parsed.period, ctx.locale);
        const name = `stats-${stats.period.firstDay}-${stats.period.lastDay}.png`;
        // Plain text, no parse mode: the lines carry dates and figures, never markup.
        await ctx.api.sendPhoto(chatId, new InputFile(stats.png, name), { caption: stats.text, ...quote });
      } catch (error) {
        await services.optional('telling why the stats failed', ctx.api.sendMessage(chatId, explain(ctx, error), quote));
      }
    });
    if (!started) await ctx.reply(ctx.t('tg.report.busy'), quote);
  });

  /**
   * A menu press, checked before anything happens: the data must be the menu's, the button
   * still on the message (a used menu has none), the presser the asker (anyone in a group
   * sees the menu), and the asker still allowed to see reports.
   */
  async function menuPress(ctx: BotContext) {
    const choice = menuChoice(ctx.button?.fields ?? []);
    if (!choice) throw new InvalidButtonError(ctx.callbackQuery?.data ?? '');
    const refuse = (key: string) => ctx.answerCallbackQuery({ text: truncate(ctx.t(key), ALERT_LIMIT), show_alert: true }).then(() => null);
    if (choice.owner !== ctx.from?.id) {
      logger.info({ chat: ctx.chat?.id, from: ctx.from?.id, owner: choice.owner }, 'telegram report menu pressed by someone else: refused');
      return refuse('tg.report.not_yours');
    }
    const message = ctx.callbackQuery?.message;
    const onMessage = message && 'reply_markup' in message ? (message.reply_markup?.inline_keyboard.flat() ?? []) : [];
    if (!onMessage.some((button) => 'callback_data' in button && button.callback_data === ctx.callbackQuery?.data)) return refuse('tg.report.menu_used');
    return { ...choice, actor: reporter(ctx), messageId: message!.message_id };
  }

  composer.filter(onButton(reportAction.period), async (ctx) => {
    const press = await menuPress(ctx);
    if (!press) return;
    const t = translate(ctx);
    const text = t('tg.report.choose_grouping', { period: periodLabel(t, press.period) });
    await ctx.answerCallbackQuery();
    await ctx.editMessageText(text, { reply_markup: groupingKeyboard(codec, ctx.chat!.id, press.owner, press.period, t) });
  });

  composer.filter(onButton(reportAction.grouping), async (ctx) => {
    const press = await menuPress(ctx);
    if (!press) return;
    if (!press.grouping) throw new InvalidButtonError(ctx.callbackQuery?.data ?? '');
    const parsed = reports.parseReport(`${press.period} ${press.grouping}`);
    if (parsed.kind !== 'report') throw new InvalidButtonError(ctx.callbackQuery?.data ?? '');
    // A second press read before the first took the buttons away still finds them on its copy.
    const menu = `${ctx.chat!.id}:${press.messageId}`;
    if (usedMenus.has(menu)) {
      await ctx.answerCallbackQuery({ text: truncate(ctx.t('tg.report.menu_used'), ALERT_LIMIT), show_alert: true });
      return;
    }
    usedMenus.add(menu);
    if (usedMenus.size > USED_MENUS_KEPT) usedMenus.delete(usedMenus.values().next().value!);
    await ctx.answerCallbackQuery();
    // The menu becomes the record of the choice, without buttons: it cannot be pressed twice.
    const t = translate(ctx);
    const chosen = t('tg.report.chosen', { period: periodLabel(t, press.period), grouping: t(`report.grouping.${press.grouping}`) });
    await services.optional('closing the report menu', ctx.editMessageText(chosen));
    await startReport(ctx, press.actor, parsed.period, parsed.grouping, press.messageId);
  });

  return composer;
}
