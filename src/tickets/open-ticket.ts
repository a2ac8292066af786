import { Types } from 'mongoose';
import { nextTicketNumber } from '../db/counters.js';
import { departmentByKey } from '../db/department-cache.js';
import { isDuplicateKey } from '../db/duplicate-key.js';
import type { StoredFile } from '../db/files.js';
import type { Priority, Ticket, TicketSource } from '../db/models/ticket.js';
import { HelpdeskError, type FieldError } from '../errors.js';
import type { Actor } from '../people/actor.js';
import { hasRole } from '../people/policy.js';
import type { SlaSettings } from '../sla/sla-due-dates.js';
import { initialMetrics } from './initial-metrics.js';
import { claimJournalEvent, openedEvent } from './journal.js';
import type { CommentOrigin } from './comment-input.js';
import { extractKeywords } from './keywords.js';
import { notifyListeners } from './load-ticket.js';
import type { TicketDeps, Via } from './ticket-deps.js';
import { limits, titleFromDescription } from './ticket-limits.js';
import { initialSla } from './ticket-sla.js';
import { hasVisibleText } from './visible-text.js';

export interface OpenTicketInput {
  title?: string | null;
  description: string;
  department: string;
  category?: string | null;
  priority?: Priority;
  source: TicketSource;
  tags?: string[];
  attachments?: StoredFile[];
  /** Staff may open a ticket on behalf of someone else; by default the actor is the requester. */
  requesterId?: Types.ObjectId;
  /** The recurring schedule run opening it (`<schedule id>@<ISO time>`), stored so a run is opened once. */
  scheduleRun?: string;
  /** Where the request came from, kept on the `opened` event (a mail's claim, so a mail opens one ticket). */
  origin?: CommentOrigin | null;
}

/** Opens a ticket: validates the department and category, numbers it, journals `opened`. */
export async function openTicket(
  deps: TicketDeps,
  actor: Actor,
  input: OpenTicketInput,
  via: Via,
): Promise<Ticket> {
  const { models, clock } = deps;
  const fields: FieldError[] = [];
  const description = input.description.trim();
  const title = (input.title?.trim() || titleFromDescription(description)).slice(0, limits.title);
  if (!hasVisibleText(title) || !hasVisibleText(description || title)) fields.push({ path: 'description', message: 'a title or a description is required' });
  if (description.length > limits.text) {
    fields.push({ path: 'description', message: `at most ${limits.text} characters` });
  }
  const found = await departmentByKey(models, input.department);
  const department = found?.active ? found : null;
  if (!department) fields.push({ path: 'department', message: `unknown department ${input.department}` });
  const category = input.category ?? null;
  if (department && category && !department.categories.some((c) => c.key === category)) {
    fields.push({ path: 'category', message: `unknown category ${category} in department ${input.department}` });
  }
  const tags = [...new Set((input.tags ?? []).map((tag) => tag.trim().toLowerCase()).filter(Boolean))];
  if (tags.length > limits.tags) fields.push({ path: 'tags', message: `at most ${limits.tags} tags` });

  const requesterId = input.requesterId ?? actor.id;
  if (!requesterId.equals(actor.id) && !hasRole(actor, 'agent')) {
    throw new HelpdeskError('STAFF_ONLY', 'only staff may open tickets for someone else');
  }
  const [requester, earlierTickets] = await Promise.all([
    models.Person.findOne({ _id: requesterId, active: true }).lean(),
    models.Ticket.countDocuments({ requesterId }),
  ]);
  if (!requester) fields.push({ path: 'requester', message: 'unknown or inactive requester' });
  if (fields.length > 0 || !requester || !department) {
    throw new HelpdeskError('VALIDATION_FAILED', 'the ticket is not valid', {}, fields);
  }

  const now = clock();
  const priority = input.priority ?? 'normal';
  const attachments = (input.attachments ?? []).map((file) => ({ ...file, fileId: file.fileId }));
  const id = new Types.ObjectId();
  const keywords = extractKeywords(title, description, ...attachments.map((file) => file.name));
  const ticket: Ticket = {
    _id: id,
    number: 0,
    title,
    description,
    requesterId: requester._id,
    requester: {
      name: requester.name,
      email: requester.email ?? null,
      phone: requester.phone ?? null,
      company: requester.company ?? null,
      unit: requester.unit ?? null,
      title: requester.title ?? null,
      manager: requester.manager ? ((await models.Person.findOne({ email: requester.manager }).select({ name: 1 }).lean())?.name ?? requester.manager) : null,
      earlierTickets,
    },
    department: department.key,
    category,
    priority,
    status: 'new',
    assigneeId: null,
    assigneeName: null,
    watchers: [],
    tags,
    source: input.source,
    attachments,
    sla: initialSla(department.settings as SlaSettings | undefined, priority, now),
    metrics: initialMetrics(now, deps.timezone),
    rating: null,
    publicKeywords: keywords,
    staffKeywords: keywords,
    commentCount: 0,
    publicCommentCount: 0,
    version: 1,
    createdAt: now,
    updatedAt: now,
    closedAt: null,
    scheduleRun: input.scheduleRun ?? null,
    // The confirmation of the opening is the team's first word for the "still working" timer.
    lastTeamUpdateAt: now,
  };
  await insertWithFreshNumber(deps, ticket);
  const event = { ...openedEvent(ticket), actorId: actor.id, actorName: actor.name, via, origin: input.origin ?? null };
  await claimJournalEvent(models, event);
  deps.recent.remember(ticket);
  await notifyListeners(deps, event, ticket);
  return ticket;
}


/**
 * Numbers and inserts the ticket. The counter's $inc is atomic on MongoDB but not on
 * FerretDB, where two openings may draw the same number: the unique index on `number`
 * refuses the second, which simply draws again.
 */
async function insertWithFreshNumber(deps: TicketDeps, ticket: Ticket): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    ticket.number = await nextTicketNumber(deps.models);
    try {
      await deps.models.Ticket.collection.insertOne(ticket);
      return;
    } catch (error) {
      if (!isDuplicateKey(error) || attempt >= 20) throw error;
    }
  }
}
