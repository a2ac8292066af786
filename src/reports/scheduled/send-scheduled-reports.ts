import type { Clock } from '../../clock.js';
import type { ScheduledReportConfig } from '../../config/org-schema.js';
import { kvScope } from '../../db/kv-scope.js';
import type { Models } from '../../db/models/index.js';
import type { I18n } from '../../i18n/translate.js';
import type { Logger } from '../../logger.js';
import { ChannelError, type ChannelRegistry } from '../../notify/channel.js';
import type { Mailer } from '../../notify/email/mailer.js';
import { createReportService, type ReportFile } from '../report-service.js';
import { createReportClaims } from './report-claims.js';
import { reportEmail } from './report-email.js';
import { scheduledReportRecipients, targetKey, type ReportRecipient, type ReportTarget } from './report-recipients.js';
import { dueReport, type DueReport } from './report-schedule.js';

/** SMTP for the report mails; absent without SMTP_URL. */
export interface ReportMail {
  mailer: Pick<Mailer, 'send'>;
  /** SMTP_FROM, whose domain names the message ids. */
  fromAddress: string;
}

export interface ScheduledReportsDeps {
  models: Models;
  channels: ChannelRegistry;
  i18n: I18n;
  clock: Clock;
  logger: Logger;
  /** The org config's `reports.scheduled`; null: no scheduled reports. */
  settings: ScheduledReportConfig | null;
  /** The org's time zone: when the report is due, and its periods. */
  timezone: string;
  /** The org's language, for people who chose none. */
  locale: string;
  mail: ReportMail | null;
}

export interface ScheduledReportsSummary {
  /** The sending handled (`last-week:2026-11-16`), `off`, or `before-start` (planned before the setting came into use). */
  report: string;
  sent: number;
  failed: number;
  abandoned: number;
  skipped: number;
}

/** Remembers when each setting was first seen: sendings planned before it are not made up. */
const STARTS_SCOPE = 'scheduled-report-starts';
/** Records of what went out are kept this long, then forgotten (longer than any period). */
const RECORDS_KEPT_MS = 180 * 24 * 3600_000;
/** Workbooks that failed to build, so a failure that stays (a full disk) is not retried every pass. */
const BUILD_FAILURES_SCOPE = 'scheduled-report-build-failures';
/** The wait after a failed build: doubled after each further failure, up to the longest. */
const BUILD_RETRY_FIRST_MS = 10 * 60_000;
const BUILD_RETRY_LONGEST_MS = 6 * 3600_000;

interface BuildFailure {
  attempts: number;
  nextTryAt: Date;
  lastError: string;
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The sending due now, with the setting it follows. */
interface Sending extends DueReport {
  every: ScheduledReportConfig['every'];
  grouping: ScheduledReportConfig['grouping'];
}

/** A person's share of one build: the targets still owed. */
interface Owed {
  recipient: ReportRecipient;
  targets: ReportTarget[];
}

/** The claim of one send: `last-week:2026-11-16:<person id>:telegram:12345`. */
function claimKey(sending: Sending, recipient: ReportRecipient, target: ReportTarget): string {
  return `${sending.key}:${recipient.person._id.toHexString()}:${targetKey(target)}`;
}

/** The setting as a key: a changed day, time or period starts afresh (nothing planned before it is made up). */
function settingKey(settings: ScheduledReportConfig): string {
  return settings.every === 'week' ? `week:${settings.day}:${settings.at}` : `month:${settings.at}`;
}

/**
 * One pass of the scheduled reports: if this period's sending time has passed, each manager
 * and coordinator who has not had it yet gets it by e-mail and in chat, as they chose. People
 * with the same language and scope share one workbook, built once and removed after the last
 * send. Every send is claimed first (report-claims.ts), so passes of several instances, retries
 * and restarts send nothing twice; what failed for a reason that may pass is tried again by
 * the next pass, until the next period's report takes its place.
 */
export function createScheduledReports(deps: ScheduledReportsDeps) {
  const { models, channels, i18n, clock, logger, settings } = deps;
  const reports = createReportService({ models, i18n, clock, timezone: deps.timezone });
  const claims = createReportClaims(models);
  const starts = kvScope<{ since: Date }>(models, STARTS_SCOPE);
  const buildFailures = kvScope<BuildFailure>(models, BUILD_FAILURES_SCOPE);

  /**
   * The sending due at `now`, if it was planned after the setting came into use: a new
   * install, or a changed setting, starts with the next planned time instead of sending an
   * old report at once. One missed while the app was down is still made up.
   */
  async function dueSending(current: ScheduledReportConfig, now: Date): Promise<Sending | null> {
    const due = dueReport(current, deps.timezone, now);
    if (!due) return null;
    const key = settingKey(current);
    let start = await starts.get(key);
    if (!start) {
      // Of two instances starting at once, the first insert wins and both read it back.
      await starts.insertNew(key, { since: now });
      start = await starts.get(key);
    }
    const since = start?.since ?? now;
    if (due.plannedAt < new Date(since)) return null;
    return { ...due, every: current.every, grouping: current.grouping };
  }

  async function sendTo(owed: Owed, target: ReportTarget, file: ReportFile, sending: Sending, summary: ScheduledReportsSummary): Promise<void> {
    const { recipient } = owed;
    const key = claimKey(sending, recipient, target);
    const where = { report: sending.key, personId: recipient.person._id.toHexString(), target: targetKey(target) };
    const claim = await claims.claim(key, clock());
    if (claim === 'busy') logger.debug(where, 'scheduled report: being sent by another runner');
    if (claim !== 'claimed') return;
    const t = (name: string, params?: Record<string, string | number>) => i18n.translate(recipient.locale, name, params);
    try {
      if (target.kind === 'email') {
        if (!deps.mail) throw new ChannelError('e-mail is not configured', { retryable: true });
        const { every, period } = sending;
        const mail = reportEmail({ to: target.address, personId: recipient.person._id, locale: recipient.locale, every, period, file, translate: i18n.translate, fromAddress: deps.mail.fromAddress });
        await deps.mail.mailer.send(mail);
      } else {
        const channel = channels.get(target.platform);
        if (!channel?.sendDirectFile) throw new ChannelError(`${target.platform} cannot send files`, { retryable: true });
        const caption = t('reports_schedule.chat.caption', { lead: t(`reports_schedule.lead.${sending.every}`), caption: file.caption });
        await channel.sendDirectFile(target.userId, { fileName: file.fileName, contentType: file.contentType, content: { path: file.path }, size: file.size, caption, locale: recipient.locale });
      }
    } catch (error) {
      const permanent = error instanceof ChannelError && !error.retryable;
      await claims.settle(key, permanent ? 'abandoned' : 'failed', errorText(error));
      if (permanent) summary.abandoned += 1;
      else summary.failed += 1;
      const outcome = permanent ? 'scheduled report refused for good: not tried again' : 'scheduled report not sent: the next run tries again';
      logger.warn({ ...where, reason: errorText(error) }, outcome);
      return;
    }
    await claims.settle(key, 'sent');
    summary.sent += 1;
    logger.info(where, 'scheduled report sent');
  }

  /** Builds one workbook for people who see the same, sends it to each, then removes it. */
  async function sendBuild(build: Owed[], sending: Sending, summary: ScheduledReportsSummary): Promise<void> {
    const { recipient } = build[0]!;
    const owedSends = build.reduce((count, owed) => count + owed.targets.length, 0);
    const failureKey = `${sending.key}:${recipient.buildKey}`;
    const failedBefore = await buildFailures.get(failureKey);
    if (failedBefore && new Date(failedBefore.nextTryAt) > clock()) {
      summary.failed += owedSends;
      return;
    }
    // Several people share the workbook: its heading names the mailing rather than one of them.
    const actor = { ...recipient.actor, name: i18n.translate(recipient.locale, `reports_schedule.requested_by.${sending.every}`) };
    let file: ReportFile;
    try {
      file = await reports.workbook(actor, { period: sending.period, grouping: sending.grouping, locale: recipient.locale });
    } catch (error) {
      summary.failed += owedSends;
      const attempts = (failedBefore?.attempts ?? 0) + 1;
      const waitMs = Math.min(BUILD_RETRY_FIRST_MS * 2 ** (attempts - 1), BUILD_RETRY_LONGEST_MS);
      await buildFailures.set(failureKey, { attempts, nextTryAt: new Date(clock().getTime() + waitMs), lastError: errorText(error) });
      logger.error({ err: error, report: sending.key, build: recipient.buildKey, attempts, retryInMinutes: waitMs / 60_000 }, 'scheduled report could not be built: tried again later');
      return;
    }
    try {
      for (const owed of build) {
        for (const target of owed.targets) await sendTo(owed, target, file, sending, summary);
      }
    } finally {
      await file.dispose();
    }
  }

  /** The people still owed this sending, by shared build. */
  async function owedBuilds(sending: Sending, recipients: ReportRecipient[]): Promise<Owed[][]> {
    const done = await claims.settled(recipients.flatMap((recipient) => recipient.targets.map((target) => claimKey(sending, recipient, target))));
    const builds = new Map<string, Owed[]>();
    for (const recipient of recipients) {
      const targets = recipient.targets.filter((target) => !done.has(claimKey(sending, recipient, target)));
      if (targets.length === 0) continue;
      builds.set(recipient.buildKey, [...(builds.get(recipient.buildKey) ?? []), { recipient, targets }]);
    }
    return [...builds.values()];
  }

  return {
    /**
     * Sends what is owed now; returns what happened, for the log. `stillRunning` is called after
     * each workbook, so a runner that lives keeps its job's lock.
     */
    async run(stillRunning: () => Promise<void> = async () => undefined): Promise<ScheduledReportsSummary> {
      const now = clock();
      const summary: ScheduledReportsSummary = { report: 'off', sent: 0, failed: 0, abandoned: 0, skipped: 0 };
      if (!settings) return summary;
      const sending = await dueSending(settings, now);
      if (!sending) return { ...summary, report: 'before-start' };
      summary.report = sending.key;
      await claims.pruneBefore(new Date(now.getTime() - RECORDS_KEPT_MS));
      await buildFailures.pruneBefore(new Date(now.getTime() - RECORDS_KEPT_MS));

      const { recipients, skipped } = await scheduledReportRecipients({
        models,
        channels,
        emailEnabled: deps.mail !== null,
        localeOf: (personLocale) => i18n.resolveLocale(personLocale ?? deps.locale),
      });
      const builds = await owedBuilds(sending, recipients);
      if (builds.length === 0) return summary;
      // Told once per pass that sends something, not every ten minutes.
      summary.skipped = skipped.length;
      for (const person of skipped) logger.info({ report: sending.key, ...person }, 'scheduled report skipped');
      for (const build of builds) {
        await sendBuild(build, sending, summary);
        await stillRunning();
      }
      return summary;
    },
  };
}

export type ScheduledReports = ReturnType<typeof createScheduledReports>;
