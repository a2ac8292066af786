import { priorities, statuses } from '../db/models/ticket.js';
import { limits } from '../tickets/ticket-limits.js';

/*
 * Request schemas. Every value is typed (strings must be strings), so a Mongo operator sent
 * as input ({"title": {"$gt": ""}}, ?q[$regex]=.) fails validation and is never executed;
 * every object says additionalProperties: false, so an unknown field is an error, not ignored.
 */

const objectIdPattern = '^[a-f0-9]{24}$';
const slug = { type: 'string', pattern: '^[a-z][a-z0-9_-]{0,39}$' } as const;
const nullableSlug = { type: ['string', 'null'], pattern: '^[a-z][a-z0-9_-]{0,39}$' } as const;
const objectId = { type: 'string', pattern: objectIdPattern } as const;

export const numberParams = {
  type: 'object',
  additionalProperties: false,
  required: ['number'],
  properties: {
    // A malformed number is a malformed request (400); a well-formed unknown one is 404.
    number: { type: 'string', pattern: '^[1-9][0-9]{0,9}$', description: 'Ticket number, e.g. 1042' },
  },
} as const;

export const attachmentParams = {
  type: 'object',
  additionalProperties: false,
  required: ['number', 'fileId'],
  properties: {
    ...numberParams.properties,
    fileId: { type: 'string', pattern: '^[a-fA-F0-9]{24}$', description: 'Attachment id (from the ticket or its journal)' },
  },
} as const;

const openTicketProperties = {
  title: { type: 'string', maxLength: limits.title, description: 'Defaults to the first line of the description' },
  description: { type: 'string', maxLength: limits.text },
  department: { ...slug, description: 'Department id (see GET /departments)' },
  category: { ...nullableSlug, description: 'Category id of the department' },
  priority: { type: 'string', enum: [...priorities] },
  tags: { type: 'array', maxItems: limits.tags, items: { type: 'string', minLength: 1, maxLength: 50 } },
  requester: { ...objectId, description: 'Staff only: open the ticket on behalf of this person' },
} as const;

export const openTicketBody = {
  type: 'object',
  additionalProperties: false,
  required: ['department'],
  properties: openTicketProperties,
} as const;

/** The same ticket as a form; only documents it (the handler checks the fields with openTicketBody). */
export const openTicketForm = {
  type: 'object',
  required: ['department'],
  properties: {
    ...openTicketProperties,
    tags: { type: 'string', description: 'Comma-separated; the field may also be repeated' },
    files: { type: 'array', items: { type: 'string', format: 'binary' }, description: 'Any number of file parts (any field name)' },
  },
} as const;

const statusList = `(${statuses.join('|')})`;

export const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    status: { type: 'string', pattern: `^${statusList}(,${statusList})*$`, description: `Comma-separated: ${statuses.join(', ')}` },
    department: slug,
    assignee: { type: 'string', pattern: `^([a-f0-9]{24}|none|me)$`, description: 'A person id, `me` or `none` (unassigned)' },
    requester: { type: 'string', pattern: `^([a-f0-9]{24}|me)$`, description: 'A person id or `me`' },
    q: { type: 'string', maxLength: 200, description: 'Words; each matches the start of a word (case and accents ignored)' },
    page: { type: 'integer', minimum: 1, maximum: 100_000, default: 1 },
    pageSize: { type: 'integer', minimum: 1, maximum: limits.pageSize, default: 20 },
    sort: { type: 'string', enum: ['newest', 'oldest'], default: 'newest' },
  },
} as const;

export const commentBody = {
  type: 'object',
  additionalProperties: false,
  required: ['text'],
  properties: {
    text: { type: 'string', minLength: 1, maxLength: limits.text },
    internal: { type: 'boolean', default: false, description: 'true: an internal note, never shown to the requester' },
  },
} as const;

export const rateBody = {
  type: 'object',
  additionalProperties: false,
  required: ['score'],
  properties: {
    score: { type: 'integer', minimum: 1, maximum: 5 },
    comment: { type: ['string', 'null'], maxLength: limits.ratingComment },
  },
} as const;

export const patchBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    priority: { type: 'string', enum: [...priorities] },
    department: { ...slug, description: 'Transfers the ticket to this department' },
    category: { ...nullableSlug, description: 'Category in the (new) department; alone, recategorizes in place' },
    assignee: { type: ['string', 'null'], pattern: objectIdPattern, description: 'Assigns to this person; null releases' },
  },
} as const;
