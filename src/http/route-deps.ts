import type { Database } from '../db/connection.js';
import type { FileStore } from '../db/files.js';
import type { I18n } from '../i18n/translate.js';
import type { ReportService } from '../reports/report-service.js';
import type { TicketService } from '../tickets/ticket-service.js';
import type { FailureThrottle } from './failure-throttle.js';

/** What the route plugins need; handed down from buildHttpApp. */
export interface RouteDeps {
  db: Database;
  tickets: TicketService;
  files: FileStore;
  i18n: I18n;
  reports: ReportService;
  /** Failed attempts per client (wrong tokens, unknown links), shared by every route. */
  failures: FailureThrottle;
}
