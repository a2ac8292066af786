import type { Priority, TicketStatus } from '../../../src/db/models/ticket.js';

/** Icons read faster than words in a busy channel; the words stay next to them. */
export const statusIcon: Record<TicketStatus, string> = {
  new: ':new:',
  in_progress: ':wrench:',
  waiting: ':double_vertical_bar:',
  resolved: ':white_check_mark:',
  closed: ':lock:',
};

export const priorityIcon: Record<Priority, string> = {
  low: ':white_circle:',
  normal: ':large_blue_circle:',
  high: ':large_orange_circle:',
  urgent: ':red_circle:',
};
