import { Types } from 'mongoose';
import type { StoredFile } from '../db/files.js';
import type { Priority, TicketStatus } from '../db/models/ticket.js';
import type { Actor } from '../people/actor.js';
import type { TicketFilter } from '../tickets/list-tickets.js';
import type { OpenTicketInput } from '../tickets/open-ticket.js';

/*
 * Request bodies and queries as the schemas (schemas.ts) guarantee them, and their
 * translation into service inputs: ids become ObjectIds, `me` becomes the caller.
 */

export interface OpenTicketBody {
  title?: string;
  description?: string;
  department: string;
  category?: string | null;
  priority?: Priority;
  tags?: string[];
  requester?: string;
}

export interface ListQuery {
  status?: string;
  department?: string;
  assignee?: string;
  requester?: string;
  q?: string;
  page?: number;
  pageSize?: number;
  sort?: 'newest' | 'oldest';
}

export interface NumberParams {
  number: string;
}

export function openTicketInput(body: OpenTicketBody, attachments: StoredFile[]): OpenTicketInput {
  return {
    title: body.title ?? null,
    description: body.description ?? '',
    department: body.department,
    category: body.category ?? null,
    ...(body.priority ? { priority: body.priority } : {}),
    tags: body.tags ?? [],
    attachments,
    source: 'api',
    ...(body.requester ? { requesterId: new Types.ObjectId(body.requester) } : {}),
  };
}

export function listFilter(query: ListQuery, actor: Actor): TicketFilter {
  const person = (value: string) => (value === 'me' ? actor.id : new Types.ObjectId(value));
  const filter: TicketFilter = {};
  if (query.status) filter.status = query.status.split(',') as TicketStatus[];
  if (query.department) filter.department = query.department;
  if (query.assignee) filter.assignee = query.assignee === 'none' ? 'none' : person(query.assignee);
  if (query.requester) filter.requester = person(query.requester);
  if (query.q) filter.q = query.q;
  if (query.page) filter.page = query.page;
  if (query.pageSize) filter.pageSize = query.pageSize;
  if (query.sort) filter.sort = query.sort;
  return filter;
}

/** The ticket number of a path; the schema has already checked it is a positive integer. */
export function ticketNumber(params: NumberParams): number {
  return Number(params.number);
}
