import { readFile } from 'node:fs/promises';
import { isHelpdeskError } from '../../../src/errors.js';
import type { Logger } from '../../../src/logger.js';
import type { Actor } from '../../../src/people/actor.js';
import type { Grouping } from '../../../src/reports/report-grouping.js';
import { createReportBuilds } from '../../../src/reports/report-builds.js';
import type { ReportPeriod } from '../../../src/reports/report-period.js';
import type { ReportFile, ReportService } from '../../../src/reports/report-service.js';
import { explain } from '../runtime/answer.js';
import type { SlackApi } from '../runtime/slack-api.js';
import { describeSlackError } from '../runtime/slack-errors.js';
import { escapeMrkdwn } from '../ui/mrkdwn.js';
import type { Translator } from '../ui/translator.js';
import { latestOnly, type LatestOnly } from './report-progress.js';

export interface ReportDeliveryDeps {
  api: SlackApi;
  reports: ReportService;
  logger: Logger;
  progressIntervalMs: number;
}

/** Who asked, in which language; files go to their DM with the app, never to the channel asked in. */
export interface Recipient {
  userId: string;
  actor: Actor;
  tr: Translator;
}

/**
 * Builds reports and stats charts and puts them in the asker's DM with the app: reports
 * hold personal data, so they never land in a channel. A workbook shows its progress in a
 * DM message edited as it is built; its temporary file is always removed. A failure is told
 * in the DM and logged, never thrown: the slash command was answered long before.
 */
export function createReportDelivery(deps: ReportDeliveryDeps) {
  const { api, reports, logger } = deps;
  // Per process: a second instance would build its own request.
  const builds = createReportBuilds();

  async function failed(recipient: Recipient, what: 'report' | 'stats', error: unknown, progress?: { channel: string; ts: string }): Promise<void> {
    const { tr, userId } = recipient;
    const refused = isHelpdeskError(error);
    const text = refused ? explain(tr, error).text : tr.t(`slack.${what}.failed`);
    logger[refused ? 'info' : 'error']({ user: userId, what, ...(refused ? { code: error.code } : { err: describeSlackError(error) }) }, `slack: the ${what} could not be delivered`);
    const told = progress ? api.call('chat.update', { channel: progress.channel, ts: progress.ts, text }) : api.call('chat.postMessage', { channel: userId, text });
    await told.catch((failure: unknown) => logger.warn({ err: describeSlackError(failure), user: userId }, 'slack: could not tell about a failed report'));
  }

  async function build(recipient: Recipient, period: ReportPeriod, grouping: Grouping, updates: LatestOnly): Promise<ReportFile> {
    const { tr, actor } = recipient;
    try {
      return await reports.workbook(actor, { period, grouping, locale: tr.locale, onProgress: (percent) => updates.push(tr.t('report.progress', { percent })) });
    } finally {
      await updates.finish();
    }
  }

  async function workbook(recipient: Recipient, period: ReportPeriod, grouping: Grouping): Promise<void> {
    const { tr, userId } = recipient;
    let progress: { channel: string; ts: string } | undefined;
    try {
      const channel = await api.openDm(userId);
      const first = tr.t('report.progress', { percent: 0 });
      const posted = await api.call('chat.postMessage', { channel, text: first });
      progress = { channel, ts: String(posted.ts) };
      const { ts } = progress;
      const updates = latestOnly(first, (text) => api.call('chat.update', { channel, ts, text }), {
        intervalMs: deps.progressIntervalMs,
        onError: (error) => logger.warn({ err: describeSlackError(error), user: userId }, 'slack: a report progress update failed'),
      });
      const file = await build(recipient, period, grouping, updates);
      try {
        // files.uploadV2 reads a file fully into memory in any case, so reading it here costs nothing more.
        await api.upload({ channel, filename: file.fileName, data: await readFile(file.path), comment: escapeMrkdwn(file.caption) });
      } finally {
        await file.dispose();
      }
      logger.info({ user: userId, period: period.name, grouping, tickets: file.result.tickets, bytes: file.size }, 'slack: report delivered');
      // The file is there: a progress message that cannot be turned into "ready" must not say "failed".
      await api
        .call('chat.update', { channel, ts, text: tr.t('slack.report.ready', { count: file.result.tickets }) })
        .catch((error: unknown) => logger.warn({ err: describeSlackError(error), user: userId }, 'slack: the report progress could not be marked ready'));
    } catch (error) {
      await failed(recipient, 'report', error, progress);
    }
  }

  async function stats(recipient: Recipient, period: ReportPeriod): Promise<void> {
    const { tr, userId, actor } = recipient;
    try {
      const reply = await reports.stats(actor, period, tr.locale);
      const channel = await api.openDm(userId);
      await api.upload({ channel, filename: `stats-${period.firstDay}-${period.lastDay}.png`, data: reply.png, comment: escapeMrkdwn(reply.text) });
    } catch (error) {
      await failed(recipient, 'stats', error);
    }
  }

  /** Runs one build for the person; false (nothing run) while one of theirs is under way. */
  async function exclusive(userId: string, started: () => Promise<void>, build: () => Promise<void>): Promise<boolean> {
    const running = builds.run(userId, async () => {
      await started();
      await build();
    });
    if (!running) return false;
    await running;
    return true;
  }

  return {
    /**
     * The workbook for the period and grouping into the person's DM. `accepted` answers the
     * request first (Slack's three seconds are long gone by the end of a large build).
     */
    workbook: (recipient: Recipient, period: ReportPeriod, grouping: Grouping, accepted: () => Promise<void>) =>
      exclusive(recipient.userId, accepted, () => workbook(recipient, period, grouping)),
    /** The stats chart with its three lines into the person's DM. */
    stats: (recipient: Recipient, period: ReportPeriod, accepted: () => Promise<void>) => exclusive(recipient.userId, accepted, () => stats(recipient, period)),
  };
}

export type ReportDelivery = ReturnType<typeof createReportDelivery>;
