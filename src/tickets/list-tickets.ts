import type { Types } from 'mongoose';
import { trusted } from '../db/connection.js';
import type { Ticket, TicketStatus } from '../db/models/ticket.js';
import type { Actor } from '../people/actor.js';
import { hasRole } from '../people/policy.js';
import { escapeRegex, extractKeywords } from './keywords.js';
import type { TicketDeps } from './ticket-deps.js';
import { limits } from './ticket-limits.js';

export interface TicketFilter {
  status?: TicketStatus[];
  department?: string;
  /** An assignee id, or 'none' for unassigned tickets. */
  assignee?: Types.ObjectId | 'none';
  requester?: Types.ObjectId;
  /** Words; each must match the start of a word of the title, description or comments. */
  q?: string;
  page?: number;
  pageSize?: number;
  sort?: 'newest' | 'oldest';
}

export interface TicketPage {
  items: Ticket[];
  total: number;
  page: number;
  pageSize: number;
}

type Filter = Record<string, unknown>;

/** Prefix match per word, so "принтер" finds "принтера" and "print" finds "printer". */
function wordsFilter(field: 'publicKeywords' | 'staffKeywords', words: string[]): Filter[] {
  return words.map((word) => ({ [field]: trusted({ $regex: `^${escapeRegex(word)}` }) }));
}

/**
 * Which tickets the actor may see, each branch with the keyword field it may search:
 * internal-note words are searched only where the actor sees notes.
 */
function visibility(actor: Actor, words: string[]): Filter {
  if (hasRole(actor, 'manager')) return words.length ? { $and: wordsFilter('staffKeywords', words) } : {};
  const own = { $and: [{ requesterId: actor.id }, ...wordsFilter('publicKeywords', words)] };
  if (!hasRole(actor, 'agent')) return own;
  const staff = {
    $and: [
      {
        $or: [
          { department: trusted({ $in: actor.departments }) },
          { assigneeId: actor.id },
          { watchers: actor.id },
        ],
      },
      ...wordsFilter('staffKeywords', words),
    ],
  };
  return { $or: [staff, own] };
}

/** Lists and searches the tickets the actor may see, with filters and pagination. */
export async function listTickets(deps: TicketDeps, actor: Actor, filter: TicketFilter): Promise<TicketPage> {
  const pageSize = Math.min(Math.max(filter.pageSize ?? 20, 1), limits.pageSize);
  const page = Math.max(filter.page ?? 1, 1);
  const words = extractKeywords(filter.q).slice(0, 10);
  const conditions: Filter[] = [visibility(actor, words)];
  if (filter.status?.length) conditions.push({ status: trusted({ $in: filter.status }) });
  if (filter.department) conditions.push({ department: filter.department });
  if (filter.assignee === 'none') conditions.push({ assigneeId: null });
  else if (filter.assignee) conditions.push({ assigneeId: filter.assignee });
  if (filter.requester) conditions.push({ requesterId: filter.requester });
  const query = trusted({ $and: conditions });
  const [items, total] = await Promise.all([
    deps.models.Ticket.find(query)
      .sort({ createdAt: filter.sort === 'oldest' ? 1 : -1, number: filter.sort === 'oldest' ? 1 : -1 })
      .skip((page - 1) * pageSize)
      .limit(pageSize)
      .lean<Ticket[]>(),
    deps.models.Ticket.countDocuments(query),
  ]);
  return { items, total, page, pageSize };
}
