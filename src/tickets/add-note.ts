import type { Actor } from '../people/actor.js';
import { changeTicket, type ChangeResult } from './change-ticket.js';
import { checkText, type CommentInput } from './comment-input.js';
import { extractKeywords } from './keywords.js';
import type { TicketDeps, Via } from './ticket-deps.js';

/** Adds an internal note: staff only, never shown to the requester, allowed in every state. */
export async function addNote(
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
    action: 'note',
    via,
    plan: (ticket) => ({
      type: 'noted',
      set: { commentCount: ticket.commentCount + 1 },
      addStaffKeywords: extractKeywords(text),
      before: {},
      after: {},
      text,
      internal: true,
      attachments,
      origin: input.origin ?? null,
    }),
  });
}
