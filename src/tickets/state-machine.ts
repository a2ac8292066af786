import type { TicketStatus } from '../db/models/ticket.js';

/**
 * Ticket states: new -> in_progress -> waiting -> resolved -> closed, with reopen.
 * Pure: the service asks before it writes, so an invalid move changes nothing.
 */
export type StatusMove = 'start' | 'unassign' | 'wait' | 'resume' | 'resolve' | 'close' | 'reopen';

const moves: Record<StatusMove, Partial<Record<TicketStatus, TicketStatus>>> = {
  // Taking or assigning starts work on a new ticket; elsewhere the status stays.
  start: { new: 'in_progress', in_progress: 'in_progress', waiting: 'waiting' },
  // Releasing hands the ticket back to the queue.
  unassign: { new: 'new', in_progress: 'new', waiting: 'waiting' },
  wait: { new: 'waiting', in_progress: 'waiting' },
  resume: { waiting: 'in_progress' },
  resolve: { new: 'resolved', in_progress: 'resolved', waiting: 'resolved' },
  // Closing without resolving covers duplicates and spam.
  close: { new: 'closed', in_progress: 'closed', waiting: 'closed', resolved: 'closed' },
  reopen: { resolved: 'in_progress', closed: 'in_progress' },
};

/** The status after a move, or null when the move is not allowed from `from`. */
export function nextStatus(from: TicketStatus, move: StatusMove): TicketStatus | null {
  return moves[move][from] ?? null;
}

export const openStatuses: readonly TicketStatus[] = ['new', 'in_progress', 'waiting'];

export function isOpen(status: TicketStatus): boolean {
  return openStatuses.includes(status);
}
