import type { Agenda } from 'agenda';
import { createScheduledReports, type ScheduledReportsDeps } from '../reports/scheduled/send-scheduled-reports.js';

export const SCHEDULED_REPORTS_JOB = 'scheduled-reports';
/** How often the job looks whether the report is due: it goes out at most this late. */
export const SCHEDULED_REPORTS_EVERY = '10 minutes';
/**
 * A run builds one workbook after another, minutes each for a large org; its lock is renewed
 * after each, and lasts long enough that no other instance starts the same builds meanwhile.
 */
const SCHEDULED_REPORTS_LOCK_MS = 60 * 60 * 1000;

/**
 * Every ten minutes: sends the scheduled report once its time has passed in the org's zone.
 * Agenda only gives the beat; what is due is decided by the injected clock, and who has had
 * it by the send claims, so a doubled, retried or overlapping run sends nothing twice.
 */
export function defineScheduledReportsJob(scheduler: Agenda, deps: ScheduledReportsDeps): void {
  const reports = createScheduledReports(deps);
  scheduler.define(
    SCHEDULED_REPORTS_JOB,
    async (job) => {
      const summary = await reports.run(() => job.touch());
      if (summary.sent + summary.failed + summary.abandoned > 0) deps.logger.info({ summary }, 'scheduled reports: due sends handled');
    },
    { concurrency: 1, lockLifetime: SCHEDULED_REPORTS_LOCK_MS },
  );
}
