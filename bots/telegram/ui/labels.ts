import type { Priority, TicketStatus } from '../../../src/db/models/ticket.js';

/** Icons read faster than words in a busy group; the words stay next to them. */
export const statusIcon: Record<TicketStatus, string> = {
  new: '🆕',
  in_progress: '🔧',
  waiting: '⏸',
  resolved: '✅',
  closed: '🔒',
};

export const priorityIcon: Record<Priority, string> = {
  low: '⚪',
  normal: '🔵',
  high: '🟠',
  urgent: '🔴',
};
