import type { Ticket, TicketStatus } from '../db/models/ticket.js';
import { HelpdeskError } from '../errors.js';
import type { Actor } from '../people/actor.js';
import { changeTicket, type ChangeResult } from './change-ticket.js';
import { checkText, type CommentInput } from './comment-input.js';
import { extractKeywords } from './keywords.js';
import type { TicketDeps, Via } from './ticket-deps.js';

/** A requester's answer brings the ticket back to the team: waiting resumes, resolved reopens. */
function statusAfterRequesterReply(ticket: Ticket): TicketStatus {
  if (ticket.status === 'waiting' || ticket.status === 'resolved') {
    return ticket.assigneeId ? 'in_progress' : 'new';
  }
  return ticket.status;
}

/**
 * Adds a public reply. From staff, the first one sets the first-response metric; from the
 * requester, it resumes a waiting ticket and reopens a resolved one. Closed tickets take
 * no replies (a new ticket is the way), so the team never misses an answer.
 */
export async function replyToTicket(
  deps: TicketDeps,
  actor: Actor,
  number: number,
  input: CommentInput,
  via: Via,
): Promise<ChangeResult> {
  const attachments = input.attachments ?? [];
  const text = checkText(input.text, attachments);
  return changeTicket(deps, {
    actor,
    number,
    action: 'reply',
    via,
    plan: (ticket, now) => {
      if (ticket.status === 'closed') {
        throw new HelpdeskError('INVALID_TRANSITION', `ticket #${ticket.number} is closed`, {
          number: ticket.number,
          from: ticket.status,
          action: 'reply',
        });
      }
      const words = extractKeywords(text, ...attachments.map((file) => file.name));
      const set: Record<string, unknown> = {
        commentCount: ticket.commentCount + 1,
        publicCommentCount: (ticket.publicCommentCount ?? 0) + 1,
        attachments: [...ticket.attachments, ...attachments],
      };
      const before: Record<string, unknown> = {};
      const after: Record<string, unknown> = {};
      const fromRequester = ticket.requesterId.equals(actor.id);
      if (fromRequester) {
        const status = statusAfterRequesterReply(ticket);
        if (status !== ticket.status) {
          set.status = status;
          before.status = ticket.status;
          after.status = status;
          if (ticket.status === 'resolved') {
            set['metrics.reopenCount'] = ticket.metrics.reopenCount + 1;
            set['metrics.resolvedAt'] = null;
            set['metrics.resolutionSeconds'] = null;
          }
        }
      } else if (!ticket.metrics.firstResponseAt) {
        set['metrics.firstResponseAt'] = now;
        set['metrics.firstResponseSeconds'] = Math.round((now.getTime() - ticket.createdAt.getTime()) / 1000);
      }
      return {
        type: 'replied',
        set,
        addPublicKeywords: words,
        addStaffKeywords: words,
        before,
        after,
        text,
        internal: false,
        attachments,
        origin: input.origin ?? null,
      };
    },
  });
}
