import { describe, expect, it } from 'vitest';
import type { TicketStatus } from '../../src/db/models/ticket.js';
import { nextStatus, type StatusMove } from '../../src/tickets/state-machine.js';

const table: [TicketStatus, StatusMove, TicketStatus | null][] = [
  ['new', 'start', 'in_progress'],
  ['waiting', 'start', 'waiting'],
  ['resolved', 'start', null],
  ['closed', 'start', null],
  ['in_progress', 'unassign', 'new'],
  ['new', 'wait', 'waiting'],
  ['in_progress', 'wait', 'waiting'],
  ['waiting', 'wait', null],
  ['resolved', 'wait', null],
  ['waiting', 'resume', 'in_progress'],
  ['new', 'resume', null],
  ['in_progress', 'resolve', 'resolved'],
  ['waiting', 'resolve', 'resolved'],
  ['resolved', 'resolve', null],
  ['closed', 'resolve', null],
  ['resolved', 'close', 'closed'],
  ['new', 'close', 'closed'],
  ['closed', 'close', null],
  ['resolved', 'reopen', 'in_progress'],
  ['closed', 'reopen', 'in_progress'],
  ['new', 'reopen', null],
  ['in_progress', 'reopen', null],
];

describe('ticket state machine', () => {
  it.each(table)('%s --%s--> %s', (from, move, to) => {
    expect(nextStatus(from, move)).toBe(to);
  });
});
