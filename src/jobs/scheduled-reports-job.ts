import type { Agenda } from 'agenda';
import { createScheduledReports, type ScheduledReportsDeps } from '../reports/scheduled/send-scheduled-reports.js';

export const SCHEDULED_REPORTS_JOB = 'scheduled-reports';
/** How often the job looks whether the report is due: it goes out at most this late. */
export const SCHEDULED_REPORTS_EVERY = '10 minutes';

/**
 * Every ten minutes: sends the scheduled report once its time has passed in the org's zone.
 * Agenda only gives the beat; what is due is decided by the injected clock, and who has had
 * it by the send claims, so a doubled, retried or overlapping run sends nothing twice.
 */
export function defineScheduledReportsJob(scheduler: Agenda, deps: ScheduledReportsDeps): void {
  const reports = createScheduledReports(deps);
  scheduler.define(
    SCHEDULED_REPORTS_JOB,
    async () => {
      const summary = await reports.run();
      if (summary.sent + summary.failed + summary.abandoned > 0) deps.logger.info({ summary }, 'scheduled reports: due sends handled');
    },
    { concurrency: 1 },
  );
}
