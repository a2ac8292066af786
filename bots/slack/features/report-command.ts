import type { App, BlockAction, ButtonAction, RespondFn } from '@slack/bolt';
import type { Actor } from '../../../src/people/actor.js';
import { reportDepartments } from '../../../src/reports/report-access.js';
import { createReportService } from '../../../src/reports/report-service.js';
import { refuse, requireActor } from '../runtime/answer.js';
import type { SlackServices } from '../services.js';
import type { Block } from '../ui/blocks.js';
import { escapeMrkdwn } from '../ui/mrkdwn.js';
import { chosenReport, reportMenu, reportMenuAction } from '../ui/report-menu.js';
import { translator, type Translator } from '../ui/translator.js';
import { createReportDelivery } from './report-delivery.js';
import { REPORT_PROGRESS_INTERVAL_MS } from './report-progress.js';

const REPORT_COMMAND = '/helpdesk report';
const STATS_COMMAND = '/helpdesk stats';

/** One request for a report or stats: who asked, and where to answer them (ephemerally). */
export interface ReportRequest {
  userId: string;
  actor: Actor;
  tr: Translator;
  respond: RespondFn;
}

export interface ReportCommandOptions {
  /** At most one edit of the progress message per this many ms (tests use 0). */
  progressIntervalMs?: number;
}

/**
 * `/helpdesk report [period] [grouping]` and `/helpdesk stats [period]` for managers (every
 * department) and coordinators (their own); anyone else is refused by the report service's
 * rule (REPORTS_FORBIDDEN), thrown to the command's error handling. With nothing typed, an
 * ephemeral menu asks for the period and the grouping. The file goes to the asker's DM.
 */
export function createReportCommand(app: App, services: SlackServices, options: ReportCommandOptions = {}) {
  const { api, logger } = services;
  const reports = createReportService({ models: services.models, i18n: services.i18n, clock: services.clock, timezone: services.org.timezone });
  const delivery = createReportDelivery({ api, reports, logger, progressIntervalMs: options.progressIntervalMs ?? REPORT_PROGRESS_INTERVAL_MS });

  async function say(respond: RespondFn, text: string, extra: { blocks?: Block[]; replace_original?: boolean } = {}): Promise<void> {
    await respond({ response_type: 'ephemeral', text, ...extra });
  }
  /** A mistake and the right form, as mrkdwn: the whole plain text escaped once (the word typed and the form's brackets alike). */
  const mistake = (tr: Translator, key: string, params: Record<string, string | number>, command: string, kind: 'report' | 'stats') =>
    escapeMrkdwn(`${tr.t(key, params)}\n\n${reports.usage(tr.locale, command, kind)}`);

  /** Builds what `text` asks for; `replaceMenu` when answering a press on the menu. */
  async function report(request: ReportRequest, text: string, replaceMenu = false): Promise<void> {
    const { tr, respond, actor, userId } = request;
    // Refused before anything is parsed: the form is no use to someone who may not report.
    reportDepartments(actor);
    const parsed = reports.parseReport(text);
    if (parsed.kind === 'ask') {
      const menu = reportMenu(tr, userId);
      await say(respond, menu.text, { blocks: menu.blocks });
      return;
    }
    if (parsed.kind === 'mistake') {
      await say(respond, mistake(tr, parsed.key, parsed.params, REPORT_COMMAND, 'report'), { replace_original: false });
      return;
    }
    const { period, grouping } = parsed;
    const accepted = tr.t('slack.report.accepted', { first: period.firstDay, last: period.lastDay, grouping: tr.t(`report.grouping.${grouping}`) });
    const ran = await delivery.workbook({ userId, actor, tr }, period, grouping, () => say(respond, accepted, { replace_original: replaceMenu }));
    if (!ran) await say(respond, tr.t('slack.report.busy'), { replace_original: false });
  }

  async function stats(request: ReportRequest, text: string): Promise<void> {
    const { tr, respond, actor, userId } = request;
    reportDepartments(actor);
    const parsed = reports.parseStats(text);
    if (parsed.kind === 'mistake') {
      await say(respond, mistake(tr, parsed.key, parsed.params, STATS_COMMAND, 'stats'));
      return;
    }
    const { period } = parsed;
    const accepted = tr.t('slack.stats.accepted', { first: period.firstDay, last: period.lastDay });
    const ran = await delivery.stats({ userId, actor, tr }, period, () => say(respond, accepted));
    if (!ran) await say(respond, tr.t('slack.report.busy'));
  }

  // Choosing in a select changes nothing until Build is pressed; Slack only needs the ack.
  for (const select of [reportMenuAction.period, reportMenuAction.grouping]) app.action(select, async ({ ack }) => ack());

  app.action<BlockAction<ButtonAction>>(reportMenuAction.build, async ({ ack, body, action, respond }) => {
    await ack();
    const userId = body.user.id;
    let tr = translator(services.i18n, services.org.locale);
    try {
      const found = await services.people.find(userId);
      tr = translator(services.i18n, found.locale);
      // The menu is shown to its asker only, but a press is checked anyway: a payload can be forged.
      if (action.value !== userId) {
        logger.warn({ user: userId, asker: action.value }, 'slack: a report menu pressed by someone else');
        await say(respond, tr.t('slack.report.not_yours'), { replace_original: false });
        return;
      }
      // Checked again at the press: the role may have changed since the menu was shown.
      await report({ userId, actor: requireActor(found, userId), tr, respond }, chosenReport(body), true);
    } catch (error) {
      await refuse(api, logger, tr, { userId, respond }, error, { action: action.action_id });
    }
  });

  return { report, stats };
}
