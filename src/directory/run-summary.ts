/** What a sync or an import did (or, dry, would do): the contract's six counts. */
export interface RunSummary {
  created: number;
  updated: number;
  deactivated: number;
  reactivated: number;
  unchanged: number;
  rejected: number;
}

/** The summary's one line, as scripts read it (the last line of the CLI's output). */
export function summaryLine(summary: RunSummary): string {
  return `created ${summary.created}, updated ${summary.updated}, deactivated ${summary.deactivated}, reactivated ${summary.reactivated}, unchanged ${summary.unchanged}, rejected ${summary.rejected}`;
}
