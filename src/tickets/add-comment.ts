import type { Actor } from '../people/actor.js';
import { addNote } from './add-note.js';
import type { ChangeResult } from './change-ticket.js';
import type { CommentInput } from './comment-input.js';
import { loadTicket } from './load-ticket.js';
import { replyToTicket } from './reply-to-ticket.js';
import type { TicketDeps, Via } from './ticket-deps.js';

/**
 * A comment written where the ticket is discussed without saying to whom (a ticket's thread
 * in a chat): the requester's is public, anyone else's is an internal note, so staff never
 * answer the requester by accident.
 */
export async function addComment(deps: TicketDeps, actor: Actor, number: number, input: CommentInput, via: Via): Promise<ChangeResult> {
  // Whose ticket it is never changes: the ticket this process last changed tells as well as a
  // read (the change itself checks access on the stored ticket when that one is stale).
  const ticket = deps.recent.get(number) ?? (await loadTicket(deps, actor, number));
  return ticket.requesterId.equals(actor.id) ? replyToTicket(deps, actor, number, input, via) : addNote(deps, actor, number, input, via);
}
