/** What says whether an open ticket is past a due date. */
export interface OverdueInput {
  sla: { firstResponseDue: Date | null; resolutionDue: Date | null; pausedAt?: Date | null };
  metrics: { firstResponseAt: Date | null };
}

/**
 * Whether an open ticket is past a due date at `instant`: the resolution's, or the first
 * response's while none was given before it. Waiting for the requester stops the SLA clock
 * (the due dates move on when it goes on), so only a due date already passed when the clock
 * stopped counts. The reports and the department digest both read "overdue" here.
 */
export function isOverdue(ticket: OverdueInput, instant: Date): boolean {
  const { sla, metrics } = ticket;
  const clockStopped = sla.pausedAt != null && sla.pausedAt < instant ? sla.pausedAt : instant;
  const unanswered = !(metrics.firstResponseAt != null && metrics.firstResponseAt < instant);
  return (sla.resolutionDue != null && sla.resolutionDue < clockStopped) || (unanswered && sla.firstResponseDue != null && sla.firstResponseDue < clockStopped);
}
